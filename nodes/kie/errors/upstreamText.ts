/**
 * The only text of an upstream answer that may reach an error or an output: kie's own short `msg`
 * (and a task's `errorMessage`), cut to a sentence's length, with anything that looks like a key or
 * a token masked. A proxy that reflects request headers into its answer must not put the API key
 * into execution data.
 */
const MAX_LENGTH = 200;
const MASK = '***';
const SECRET_PATTERNS = [
	// An Authorization header or a bearer token, whatever follows.
	/\b(bearer|basic)\s+[^\s"',;]+/gi,
	// key=value, token: value, "apiKey":"value" …
	/\b([\w-]*(?:key|token|secret|signature|password|authorization)[\w-]*)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi,
	// sk-…, pk_…, and any long run of letters and digits mixed (keys, tokens, signatures).
	/\b(?:sk|pk|rk)[-_][A-Za-z0-9_-]{6,}/g,
	/(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{24,}={0,2}/g,
];

function maskSecrets(text: string): string {
	return SECRET_PATTERNS.reduce(
		(masked, pattern, index) =>
			masked.replace(pattern, (...groups: string[]) =>
				index === 0
					? `${groups[1]} ${MASK}`
					: index === 1
						? `${groups[1]}${groups[2]}${MASK}`
						: MASK,
			),
		text,
	);
}

/** kie's message as it may be shown: text only, one line, at most 200 characters, secrets masked. */
export function kieText(value: unknown): string {
	if (typeof value !== 'string') return '';
	const oneLine = value.replace(/\s+/g, ' ').trim();
	const short = oneLine.length > MAX_LENGTH ? `${oneLine.slice(0, MAX_LENGTH - 3)}...` : oneLine;
	return maskSecrets(short);
}
