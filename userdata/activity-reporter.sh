#!/bin/bash
# kismo activity reporter: run every 5 minutes by a systemd timer, it tells CloudWatch how busy
# this instance is (GPU, memory, CPU, logged-in sessions), and Activity, the busiest of them as a
# fraction of its idle threshold: the one metric the idle monitor reads to stop the instance when
# nobody uses it. A signal it cannot measure is left out, and then so is Activity: missing data
# never reads as idle.
set -euo pipefail

PROC="${KISMO_PROC:-/proc}"
NAMESPACE='kismo/activity'
# "signal threshold" lines, written by the bootstrap from the configuration at launch.
THRESHOLDS_FILE="${KISMO_ROOT:-}/etc/kismo/idle-thresholds"

instance_id() {
  if [ -n "${KISMO_INSTANCE_ID:-}" ]; then
    printf '%s' "$KISMO_INSTANCE_ID"
    return
  fi
  local token
  token=$(curl -sf -m 5 -X PUT http://169.254.169.254/latest/api/token \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')
  curl -sf -m 5 -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id
}

# The busiest GPU counts: one busy GPU of eight is a machine in use. No nvidia-smi: no GPU to use.
gpu_percent() {
  command -v nvidia-smi >/dev/null 2>&1 || { echo 0; return; }
  nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits |
    awk '{ v = $1 + 0; if (v > max) max = v } END { printf "%.1f", max }'
}

memory_percent() {
  awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 }
    END { if (t <= 0) exit 1; printf "%.1f", (t - a) * 100 / t }' "$PROC/meminfo"
}

# Busy share of the CPU time between two readings of /proc/stat (user..steal; idle and iowait are not busy).
cpu_times() {
  awk '/^cpu / { t = 0; for (i = 2; i <= 9 && i <= NF; i++) t += $i; printf "%.0f %.0f\n", t, $5 + $6; exit }' "$PROC/stat"
}
cpu_percent() {
  local t1 i1 t2 i2
  read -r t1 i1 < <(cpu_times)
  sleep "${KISMO_CPU_SAMPLE_SECONDS:-2}"
  read -r t2 i2 < <(cpu_times)
  awk -v dt="$((t2 - t1))" -v di="$((i2 - i1))" 'BEGIN { if (dt > 0) printf "%.1f", (dt - di) * 100 / dt; else print 0 }'
}

# Terminal logins, plus Session Manager sessions, which never appear in `who`.
sessions_count() {
  local logins ssm
  logins=$(who | wc -l)
  ssm=$(pgrep -c -f 'ssm-session-worker' 2>/dev/null || true)
  echo $((logins + ${ssm:-0}))
}

# max(gpu/T_gpu, memory/T_memory, cpu/T_cpu, sessions/T_sessions), as activityOf in
# services/shared/activity.ts computes it for the local cloud: 1 or more means something is in use.
# Six decimals: a ratio just under 1 may round up to 1, which reads as in use, the safe side.
# Fails, so no Activity is sent, unless every threshold is a positive number.
activity_ratio() {
  awk -v gpu="$1" -v memory="$2" -v cpu="$3" -v sessions="$4" '
    $2 ~ /^[0-9]*[.]?[0-9]+([eE][-+]?[0-9]+)?$/ && $2 + 0 > 0 { limit[$1] = $2 + 0 }
    END {
      value["gpu"] = gpu; value["memory"] = memory; value["cpu"] = cpu; value["sessions"] = sessions
      n = split("gpu memory cpu sessions", names, " ")
      for (i = 1; i <= n; i++) {
        if (!(names[i] in limit)) exit 1
        ratio = value[names[i]] / limit[names[i]]
        if (i == 1 || ratio > max) max = ratio
      }
      printf "%.6f", max
    }' "$THRESHOLDS_FILE"
}

datum() {
  printf '{"MetricName":"%s","Dimensions":[{"Name":"InstanceId","Value":"%s"}],"Value":%s,"Unit":"%s"}' \
    "$1" "$ID" "$2" "$3"
}

ID=$(instance_id)
data=()
if gpu=$(gpu_percent); then data+=("$(datum GPUUtilization "$gpu" Percent)"); else gpu=''; echo "kismo: no GPU reading" >&2; fi
if memory=$(memory_percent); then data+=("$(datum MemoryUtilization "$memory" Percent)"); else memory=''; echo "kismo: no memory reading" >&2; fi
if cpu=$(cpu_percent); then data+=("$(datum CPUUtilization "$cpu" Percent)"); else cpu=''; echo "kismo: no CPU reading" >&2; fi
if sessions=$(sessions_count); then data+=("$(datum LoggedInSessions "$sessions" Count)"); else sessions=''; echo "kismo: no session count" >&2; fi
if [ -z "$gpu" ] || [ -z "$memory" ] || [ -z "$cpu" ] || [ -z "$sessions" ]; then
  echo "kismo: not every signal measured, so no Activity" >&2
elif activity=$(activity_ratio "$gpu" "$memory" "$cpu" "$sessions"); then
  data+=("$(datum Activity "$activity" None)")
else
  echo "kismo: no positive idle threshold for every signal in $THRESHOLDS_FILE, so no Activity" >&2
fi
[ "${#data[@]}" -gt 0 ] || exit 1

json=$(IFS=,; printf '[%s]' "${data[*]}")
aws cloudwatch put-metric-data --namespace "$NAMESPACE" --metric-data "$json"
