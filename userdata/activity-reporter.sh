#!/bin/bash
# kismo activity reporter, every 5 minutes (systemd timer): measures GPU, memory, CPU, logins and
# Activity, the busiest over its idle threshold, which the idle monitor judges. An unmeasured signal
# is left out, and then so is Activity: missing data never reads as idle. Readings wait in the
# hour's file; a finished hour is one object, kismo/activity/<owner>/<instance>/<hour>.json
# (contracts/activity-hour.ts).
set -euo pipefail

PROC="${KISMO_PROC:-/proc}"
# "signal threshold" lines, written by the bootstrap from the configuration at launch.
THRESHOLDS_FILE="${KISMO_ROOT:-}/etc/kismo/idle-thresholds"
# Kept across reboots and stops.
PENDING_DIR="${KISMO_ROOT:-}/var/lib/kismo/activity"
# Set by the bootstrap in the systemd unit: the data bucket, kismo/activity/<owner>, the instance.
BUCKET="${KISMO_ACTIVITY_BUCKET:?the unit sets KISMO_ACTIVITY_BUCKET}"
OWNER_PREFIX="${KISMO_ACTIVITY_PREFIX:?the unit sets KISMO_ACTIVITY_PREFIX}"
ID="${KISMO_INSTANCE_ID:?the unit sets KISMO_INSTANCE_ID}"
MAX_POINTS=60

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

# A JSON member for a measured signal; nothing for one that could not be measured.
member() {
  [ -n "$2" ] && printf ',"%s":%s' "$1" "$2"
  return 0
}

# Writes every hour before the current one; one not written is tried again at the next reading.
write_hours() {
  local file hour body
  for file in "$PENDING_DIR"/*.jsonl; do
    [ -e "$file" ] || continue
    hour=$(basename "$file" .jsonl)
    [[ "$hour" < "$HOUR" ]] || continue
    body="$PENDING_DIR/$hour.json"
    # Lines cut short by a crash are left out.
    { printf '{"instanceId":"%s","hour":"%s:00:00Z","points":[' "$ID" "$hour"
      grep -E '^\{"at":"[^"]+"[^{}]*\}$' "$file" | tail -n "$MAX_POINTS" | paste -sd, -
      printf ']}\n'; } >"$body"
    if aws s3api put-object --bucket "$BUCKET" --key "$OWNER_PREFIX/$ID/$hour.json" --body "$body" >/dev/null; then
      rm -f "$file" "$body"
    else
      rm -f "$body"
      echo "kismo: hour $hour not written; the next reading retries" >&2
    fi
  done
  # Of no use to the monitor after two days.
  find "$PENDING_DIR" -name '*.jsonl' -mmin +2880 -delete 2>/dev/null || true
}

NOW="${KISMO_NOW:-$(date -u +%s)}"
AT=$(date -u -d "@$NOW" +%Y-%m-%dT%H:%M:%SZ)
HOUR=$(date -u -d "@$NOW" +%Y-%m-%dT%H)
gpu=$(gpu_percent) || { gpu=''; echo "kismo: no GPU reading" >&2; }
memory=$(memory_percent) || { memory=''; echo "kismo: no memory reading" >&2; }
cpu=$(cpu_percent) || { cpu=''; echo "kismo: no CPU reading" >&2; }
sessions=$(sessions_count) || { sessions=''; echo "kismo: no session count" >&2; }
activity=''
if [ -z "$gpu" ] || [ -z "$memory" ] || [ -z "$cpu" ] || [ -z "$sessions" ]; then
  echo "kismo: not every signal measured, so no Activity" >&2
elif ! activity=$(activity_ratio "$gpu" "$memory" "$cpu" "$sessions"); then
  activity=''
  echo "kismo: no positive idle threshold for every signal in $THRESHOLDS_FILE, so no Activity" >&2
fi

mkdir -p "$PENDING_DIR"
printf '{"at":"%s"%s%s%s%s%s}\n' "$AT" "$(member gpu "$gpu")" "$(member memory "$memory")" \
  "$(member cpu "$cpu")" "$(member sessions "$sessions")" "$(member activity "$activity")" \
  >>"$PENDING_DIR/$HOUR.jsonl"
write_hours
