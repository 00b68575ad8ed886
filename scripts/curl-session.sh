#!/usr/bin/env bash
# A hand-driven session against the kie.ai Veo simulator, with plain curl:
#   credits → generate (with callBackUrl) → poll record-info → download the MP4 → signed callback.
#
# Start the simulator first, in another terminal:
#   npm run simulator -- --profile fast --hmac-key k
# then:
#   scripts/curl-session.sh [API base URL]        (default http://127.0.0.1:8787)
#
# Environment: API_KEY (default sim-key), HMAC_KEY (default k; must match --hmac-key),
#              RECEIVER_PORT (default 8790), OUT_DIR (default: a new temp dir).
# Needs: bash, curl, node (for the tiny callback receiver and JSON parsing), optionally openssl.
set -euo pipefail

BASE=${1:-${SIM_URL:-http://127.0.0.1:8787}}
API_KEY=${API_KEY:-sim-key}
HMAC_KEY=${HMAC_KEY:-k}
RECEIVER_PORT=${RECEIVER_PORT:-8790}
OUT=${OUT_DIR:-$(mktemp -d)}
AUTH="Authorization: Bearer $API_KEY"

step() { printf '\n== %s\n' "$*"; }
# json '.a.b[0]' < file  — print one value of a JSON document (node, so no jq needed).
json() {
	node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{let v=JSON.parse(s);
for(const k of process.argv[1].match(/[^.[\]]+/g))v=v==null?v:v[k];
console.log(typeof v==="string"?v:JSON.stringify(v));})' "$1"
}

step "0. callback receiver on http://127.0.0.1:$RECEIVER_PORT/callback (node, answers 200 once, then exits)"
node - "$RECEIVER_PORT" > "$OUT/callback.json" 2> "$OUT/receiver.log" <<'JS' &
const http = require('http');
const server = http.createServer((req, res) => {
	let body = '';
	req.on('data', (d) => (body += d)).on('end', () => {
		res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"received"}');
		const h = req.headers;
		console.log(JSON.stringify({ method: req.method, url: req.url, timestamp: h['x-webhook-timestamp'] ?? null,
			signature: h['x-webhook-signature'] ?? null, body: JSON.parse(body) }));
		server.close();
	});
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => console.error('listening'));
setTimeout(() => { console.error('no callback within 60 s'); process.exit(1); }, 60000).unref();
JS
RECEIVER_PID=$!
trap 'kill $RECEIVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$OUT/receiver.log" 2>/dev/null && break; sleep 0.1; done
echo "receiver pid $RECEIVER_PID"

step "1. credits"
echo "\$ curl -s $BASE/api/v1/chat/credit -H 'Authorization: Bearer ***'"
curl -sS "$BASE/api/v1/chat/credit" -H "$AUTH"; echo

step "2. generate"
BODY="{\"prompt\":\"A corgi surfing a wave at sunset\",\"model\":\"veo3_fast\",\"aspect_ratio\":\"16:9\",\"callBackUrl\":\"http://127.0.0.1:$RECEIVER_PORT/callback\"}"
echo "\$ curl -s -X POST $BASE/api/v1/veo/generate -H 'Authorization: Bearer ***' -H 'Content-Type: application/json' -d '$BODY'"
RESP=$(curl -sS -X POST "$BASE/api/v1/veo/generate" -H "$AUTH" -H 'Content-Type: application/json' -d "$BODY")
echo "$RESP"
TASK_ID=$(json '.data.taskId' <<<"$RESP")

step "3. poll record-info until successFlag != 0"
while :; do
	REC=$(curl -sS "$BASE/api/v1/veo/record-info?taskId=$TASK_ID" -H "$AUTH")
	FLAG=$(json '.data.successFlag' <<<"$REC")
	echo "successFlag=$FLAG"
	[ "$FLAG" != "0" ] && break
	sleep 0.2
done
echo "$REC"
[ "$FLAG" = "1" ] || { echo "task did not succeed"; exit 1; }

step "4. download the MP4"
VIDEO_URL=$(json '.data.response.resultUrls[0]' <<<"$REC")
echo "\$ curl -s -D - -o $OUT/video.mp4 $VIDEO_URL"
curl -sS -D "$OUT/headers.txt" -o "$OUT/video.mp4" "$VIDEO_URL"
grep -iE '^(HTTP|content-type|content-length)' "$OUT/headers.txt" | tr -d '\r'
echo "saved $(wc -c < "$OUT/video.mp4") bytes; bytes 4-7: $(dd if="$OUT/video.mp4" bs=1 skip=4 count=4 2>/dev/null)"

step "5. the signed callback"
wait "$RECEIVER_PID" || true
cat "$OUT/callback.json"
TS=$(json '.timestamp' < "$OUT/callback.json")
SIG=$(json '.signature' < "$OUT/callback.json")
CB_TASK=$(json '.body.data.taskId' < "$OUT/callback.json")
echo "X-Webhook-Timestamp: $TS"
echo "X-Webhook-Signature: $SIG"
if command -v openssl > /dev/null; then
	EXPECTED=$(printf '%s' "$CB_TASK.$TS" | openssl dgst -sha256 -hmac "$HMAC_KEY" -binary | base64)
	echo "expected (openssl, base64(HMAC-SHA256(key, taskId.timestamp))): $EXPECTED"
else
	EXPECTED=$(node -e 'console.log(require("crypto").createHmac("sha256",process.argv[1]).update(process.argv[2]).digest("base64"))' "$HMAC_KEY" "$CB_TASK.$TS")
	echo "expected (node crypto): $EXPECTED"
fi
if [ "$SIG" = "$EXPECTED" ] && [ "$CB_TASK" = "$TASK_ID" ]; then echo "signature OK"; else echo "signature MISMATCH"; exit 1; fi
echo
echo "artifacts in $OUT"
