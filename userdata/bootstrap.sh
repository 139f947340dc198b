#!/bin/bash
# kismo bootstrap: pulls the session's dataset, checks it against the manifest, reports activity,
# runs the session's command if there is one, and tells the control plane each outcome with a
# marker object under the session prefix. Rendered by userdata/render.ts: every value below was
# validated and single-quoted there; the run command travels base64-encoded.
set -euo pipefail

# @kismo:values@

# Overrides for running off EC2 (tests); none is set on an instance: KISMO_S3_ENDPOINT (adds
# --endpoint-url), KISMO_DATA_ROOT (instead of /data), KISMO_ROOT (prefix of every system path
# written: /etc, /usr/local/bin), KISMO_LOG_FILE, KISMO_INSTANCE_ID (instead of IMDS),
# KISMO_DRY_SHUTDOWN=1 (logs instead of shutting down), KISMO_TRANSFER_CLIENT=crt|classic.
LOG_FILE="${KISMO_LOG_FILE:-/var/log/kismo-bootstrap.log}"
DATA_ROOT="${KISMO_DATA_ROOT:-/data}"
ROOT="${KISMO_ROOT:-}"
DATA_DIR="$DATA_ROOT/$DATASET_NAME"
SESSION_PREFIX="users/$OWNER/sessions/$SESSION_ID"
KISMO_ETC="$ROOT/etc/kismo"
# A config of our own: the transfer settings never touch a user's ~/.aws/config.
export AWS_CONFIG_FILE="$KISMO_ETC/aws-config"
STEP='starting'
MARKED=''
FAIL_REASON=''
INSTANCE_ID=''

mkdir -p "$(dirname "$LOG_FILE")" "$KISMO_ETC"
# fd 3 keeps the console; everything else goes to the console and the log.
exec 3>&1
exec > >(tee -a "$LOG_FILE") 2>&1
TEE_PID=$!

log() { printf '%s kismo: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
now_iso() { date -u +%Y-%m-%dT%H:%M:%SZ; }
fail() { FAIL_REASON="$1"; exit 1; }

# A JSON string of any text: escapes what JSON needs, drops other control characters.
json_string() {
  local s
  s=$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037')
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/\\r}
  s=${s//$'\n'/\\n}
  printf '"%s"' "$s"
}

imds() {
  local token attempt
  for attempt in 1 2 3 4 5; do
    if token=$(curl -sf -m 5 -X PUT http://169.254.169.254/latest/api/token \
      -H 'X-aws-ec2-metadata-token-ttl-seconds: 300') &&
      curl -sf -m 5 -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"; then
      return 0
    fi
    sleep "$attempt"
  done
  return 1
}

s3() {
  aws ${KISMO_S3_ENDPOINT:+--endpoint-url "$KISMO_S3_ENDPOINT"} --region "$REGION" s3 "$@"
}

s3api() {
  aws ${KISMO_S3_ENDPOINT:+--endpoint-url "$KISMO_S3_ENDPOINT"} --region "$REGION" s3api "$@"
}

# A pinned session gets its files as they were pushed for it (dataset.tsv: ETag, size, sha256,
# path), even if the dataset was pushed again since: what the sync brought that differs is fetched
# by the version holding the pinned ETag (the bucket is versioned), and files added since go.
restore_pinned() {
  local pins="$KISMO_ETC/dataset.tsv" now="$KISMO_ETC/dataset-now.tsv" wanted="$KISMO_ETC/dataset-wanted.tsv"
  local versions="$KISMO_ETC/dataset-versions.tsv" etag path version
  s3 cp "s3://$BUCKET/$SESSION_PREFIX/dataset.tsv" "$pins" --only-show-errors ||
    fail "could not read s3://$BUCKET/$SESSION_PREFIX/dataset.tsv, the files pushed for this session"
  # A pinned path is relative and stays in the dataset; a key of the dataset is its prefix and a path.
  awk -F'\t' 'NF != 4 || $4 ~ /^\// || $4 ~ /(^|\/)\.\.?(\/|$)/ { bad = 1 } END { exit bad }' "$pins" ||
    fail "dataset.tsv holds a line that is not ETag, size, sha256 and a path inside the dataset"
  s3api list-objects-v2 --bucket "$BUCKET" --prefix "$DATASET_PREFIX" --query 'Contents[].[ETag,Key]' \
    --output text | awk -F'\t' 'NF == 2 { gsub(/"/, "", $1); print $1 "\t" $2 }' >"$now"
  P="$DATASET_PREFIX" awk -F'\t' 'NR == FNR { have[$2] = $1; next }
    have[ENVIRON["P"] $4] != $1 { print $1 "\t" $4 }' "$now" "$pins" >"$wanted"
  P="$DATASET_PREFIX" awk -F'\t' 'NR == FNR { pinned[$4] = 1; next }
    { path = substr($2, length(ENVIRON["P"]) + 1) }
    path != "" && !(path in pinned) && path !~ /(^|\/)\.\.?(\/|$)/ && path !~ /^\// { print path }' \
    "$pins" "$now" | while IFS= read -r path; do rm -f -- "$DATA_DIR/$path"; done
  [ -s "$wanted" ] || return 0
  log "the dataset was pushed again since this session's push: $(wc -l <"$wanted") files come from its versions"
  s3api list-object-versions --bucket "$BUCKET" --prefix "$DATASET_PREFIX" \
    --query 'Versions[].[ETag,VersionId,Key]' --output text |
    awk -F'\t' 'NF == 3 { gsub(/"/, "", $1); print $1 "\t" $2 "\t" $3 }' >"$versions"
  while IFS=$'\t' read -r etag path; do
    version=$(K="$DATASET_PREFIX$path" E="$etag" awk -F'\t' \
      '$3 == ENVIRON["K"] && $1 == ENVIRON["E"] { print $2; exit }' "$versions")
    [ -n "$version" ] ||
      fail "dataset check: $path as pushed for this session is no longer in the bucket (its old version expired): push again"
    mkdir -p "$(dirname -- "$DATA_DIR/$path")"
    s3api get-object --bucket "$BUCKET" --key "$DATASET_PREFIX$path" --version-id "$version" \
      "$DATA_DIR/$path" >/dev/null || fail "could not download $path as pushed for this session"
  done <"$wanted"
}

put_marker() {
  printf '%s\n' "$2" | s3 cp - "s3://$BUCKET/$SESSION_PREFIX/$1.json" \
    --content-type application/json --only-show-errors
}

# The CRT transfer client is much faster on large instances; AWS CLI v2 has it. Against a custom
# endpoint (tests, the local cloud) CLI 2.9's CRT client cannot connect, so it is only the default
# on AWS, and a transfer that fails with it is retried once with the classic client.
TRANSFER_CLIENT="${KISMO_TRANSFER_CLIENT:-auto}"
write_aws_config() {
  {
    printf '[default]\ns3 =\n'
    printf '    max_concurrent_requests = 64\n    max_queue_size = 10000\n'
    printf '    multipart_chunksize = 16MB\n'
    if [ "$1" = crt ]; then
      printf '    preferred_transfer_client = crt\n    target_bandwidth = 10Gb/s\n'
    fi
  } >"$AWS_CONFIG_FILE"
  TRANSFER_CLIENT="$1"
}
configure_transfers() {
  if [ "$TRANSFER_CLIENT" = auto ]; then
    TRANSFER_CLIENT=classic
    if [ -z "${KISMO_S3_ENDPOINT:-}" ]; then
      case "$(aws --version 2>&1)" in aws-cli/2.*) TRANSFER_CLIENT=crt ;; esac
    fi
  fi
  write_aws_config "$TRANSFER_CLIENT"
  log "S3 transfers use the $TRANSFER_CLIENT client"
}
transfer() {
  s3 "$@" && return 0
  [ "$TRANSFER_CLIENT" = crt ] || return 1
  log "the CRT transfer client failed: retrying with the classic client"
  write_aws_config classic
  s3 "$@"
}

# Makes sure the log is complete before its tail is read: tee is asked to finish, then waited for.
flush_log() {
  exec >>"$LOG_FILE" 2>&1
  wait "$TEE_PID" 2>/dev/null || true
}

on_exit() {
  local rc=$? reason tail_text
  [ "$rc" -eq 0 ] && return 0
  if [ -n "$MARKED" ]; then
    log "stopped with exit code $rc after $MARKED.json ($STEP)"
    return 0
  fi
  set +e
  reason="${FAIL_REASON:-the bootstrap failed while $STEP (exit code $rc)}"
  log "FAILED: $reason"
  flush_log
  printf 'kismo: FAILED: %s\n' "$reason" >&3
  if [ -z "$INSTANCE_ID" ]; then
    printf 'kismo: no instance id, so no failed.json\n' >&3
    return 0
  fi
  tail_text=$(tail -n 60 "$LOG_FILE" | tail -c 6000)
  put_marker failed "$(printf '{"instanceId":%s,"at":%s,"reason":%s,"logTail":%s}' \
    "$(json_string "$INSTANCE_ID")" "$(json_string "$(now_iso)")" \
    "$(json_string "${reason:0:1900}")" "$(json_string "$tail_text")")" ||
    printf 'kismo: could not write failed.json\n' >&3
}
trap on_exit EXIT

install_activity_reporter() {
  local bin="$ROOT/usr/local/bin/kismo-activity-reporter" units="$ROOT/etc/systemd/system"
  mkdir -p "$(dirname "$bin")" "$units"
  # The thresholds of the configuration at launch: the reporter divides each signal by its own.
  printf 'gpu %s\nmemory %s\ncpu %s\nsessions %s\n' "$IDLE_THRESHOLD_GPU" "$IDLE_THRESHOLD_MEMORY" \
    "$IDLE_THRESHOLD_CPU" "$IDLE_THRESHOLD_SESSIONS" >"$KISMO_ETC/idle-thresholds"
  cat >"$bin" <<'KISMO_ACTIVITY_REPORTER'
# @kismo:activity-reporter@
KISMO_ACTIVITY_REPORTER
  chmod 0755 "$bin"
  # Validated at render (bucket, owner) or by its shape (instance id): no space, quote, % or $.
  [[ "$INSTANCE_ID" =~ ^i-[0-9a-f]{8,17}$ ]] || fail "not an instance id: $INSTANCE_ID"
  cat >"$units/kismo-activity.service" <<UNIT
[Unit]
Description=kismo activity reporter (GPU, memory, CPU, logins; an object per hour in the bucket)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
Environment=AWS_DEFAULT_REGION=$REGION
Environment=KISMO_ACTIVITY_BUCKET=$BUCKET
Environment=KISMO_ACTIVITY_PREFIX=kismo/activity/$OWNER
Environment=KISMO_INSTANCE_ID=$INSTANCE_ID
ExecStart=/usr/local/bin/kismo-activity-reporter
UNIT
  cat >"$units/kismo-activity.timer" <<'UNIT'
[Unit]
Description=kismo activity reporter, every 5 minutes

[Timer]
OnBootSec=1min
OnUnitActiveSec=5min
AccuracySec=30s

[Install]
WantedBy=timers.target
UNIT
  if command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload
    systemctl enable --now kismo-activity.timer
  else
    log "no systemctl: the activity reporter is installed but not scheduled"
  fi
}

shut_down() {
  if [ "${KISMO_DRY_SHUTDOWN:-}" = 1 ]; then
    log "would shut down now (KISMO_DRY_SHUTDOWN=1)"
  else
    shutdown -h now
  fi
}

STEP='reading the instance id'
INSTANCE_ID="${KISMO_INSTANCE_ID:-$(imds instance-id)}"
log "session $SESSION_ID of $OWNER on $INSTANCE_ID"

# Installed first: an instance whose bootstrap fails must still be seen idle and stopped.
STEP='installing the activity reporter'
install_activity_reporter

STEP='downloading the dataset'
configure_transfers
boot_seconds=$(awk '{ printf "%d", $1 }' /proc/uptime)
pull_started=$(date +%s)
mkdir -p "$DATA_DIR"
log "downloading s3://$BUCKET/$DATASET_PREFIX to $DATA_DIR"
transfer sync "s3://$BUCKET/$DATASET_PREFIX" "$DATA_DIR" --only-show-errors --no-progress ||
  fail "could not download s3://$BUCKET/$DATASET_PREFIX (see the log)"
[ -z "$DATASET_PINNED" ] || restore_pinned
data_seconds=$(($(date +%s) - pull_started))

STEP='checking the dataset'
found_files=$(find "$DATA_DIR" -type f -printf '.' | wc -c)
found_bytes=$(find "$DATA_DIR" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
if [ "$found_files" -ne "$DATASET_FILES" ] || [ "$found_bytes" -ne "$DATASET_BYTES" ]; then
  fail "dataset check: $DATASET_FILES files ($DATASET_BYTES bytes) expected, $found_files files ($found_bytes bytes) found in $DATA_DIR"
fi
log "dataset ready: $found_files files, $found_bytes bytes in ${data_seconds}s"

STEP='writing ready.json'
put_marker ready "$(printf '{"instanceId":%s,"at":%s,"bootSeconds":%s,"dataSeconds":%s,"files":%s,"bytes":%s,"dataPath":%s}' \
  "$(json_string "$INSTANCE_ID")" "$(json_string "$(now_iso)")" "$boot_seconds" "$data_seconds" \
  "$found_files" "$found_bytes" "$(json_string "$DATA_DIR")")"
MARKED=ready

if [ -z "$RUN_B64" ]; then
  log "ready: no run command, the instance is yours"
  exit 0
fi

STEP='running the session command'
run_file="$KISMO_ETC/run.sh"
printf '%s' "$RUN_B64" | base64 -d >"$run_file"
log "running the session command ($run_file) in $DATA_DIR"
run_started=$(date +%s)
set +e
(cd "$DATA_DIR" && bash "$run_file" </dev/null)
exit_code=$?
set -e
run_seconds=$(($(date +%s) - run_started))
log "the session command exited with $exit_code after ${run_seconds}s"

STEP='uploading the outputs'
outputs_dir="$DATA_DIR/$OUTPUTS"
outputs_prefix="$SESSION_PREFIX/outputs/"
# true: uploaded; false: the upload failed (they are only here); null: the run made no outputs folder.
uploaded=null
reported_prefix=null
if [ ! -d "$outputs_dir" ]; then
  log "no $OUTPUTS folder in $DATA_DIR: no outputs to upload"
elif transfer sync "$outputs_dir" "s3://$BUCKET/$outputs_prefix" --only-show-errors --no-progress; then
  uploaded=true
  reported_prefix=$(json_string "$outputs_prefix")
  log "outputs uploaded to s3://$BUCKET/$outputs_prefix"
else
  uploaded=false
  reported_prefix=$(json_string "$outputs_prefix")
  log "the outputs could not be uploaded: the instance stays up so nothing is lost"
fi

STEP='writing finished.json'
put_marker finished "$(printf '{"instanceId":%s,"at":%s,"exitCode":%s,"seconds":%s,"outputsPrefix":%s,"outputsUploaded":%s,"afterRun":%s}' \
  "$(json_string "$INSTANCE_ID")" "$(json_string "$(now_iso)")" "$exit_code" "$run_seconds" \
  "$reported_prefix" "$uploaded" "$(json_string "$AFTER_RUN")")"
MARKED=finished

# Only outputs that exist and failed to upload keep an instance the owner asked to end.
if [ "$AFTER_RUN" = keep ]; then
  log "done: the instance stays up (then: keep)"
elif [ "$uploaded" = false ]; then
  log "done, but not shutting down: the outputs are only on this instance"
else
  log "done: shutting down (then: $AFTER_RUN)"
  shut_down
fi
