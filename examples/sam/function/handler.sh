#!/bin/sh
# A minimal custom runtime: fetch an event, log a few lines to stdout, respond.
set -eu
api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
    headers=$(mktemp)
    event=$(curl -sS -D "$headers" "$api/next")
    request_id=$(grep -i '^lambda-runtime-aws-request-id:' "$headers" | tr -d '\r' | cut -d' ' -f2)
    rm -f "$headers"
    echo "INFO request $request_id started"
    echo "INFO event: $event"
    echo "INFO request $request_id done"
    curl -sS -X POST -d '{"ok":true}' "$api/$request_id/response" > /dev/null
done
