/**
 * Whether kie.ai, on the internet, can possibly call a URL back. Decided from the URL alone, with no
 * DNS look-up: loopback, private, link-local and carrier-grade NAT addresses, and names that only
 * resolve inside a network (localhost, a Docker service name, *.local, *.internal, …) can never be
 * reached from outside. A public-looking name may still be unreachable (a firewall); this only
 * catches what is certain, so a callback that can never arrive is refused before any credit is spent.
 *
 * The WHATWG URL parser does the normalising: "127.1", "2130706433" and "0x7f000001" all become
 * "127.0.0.1", IPv6 hosts keep their brackets in compressed form ("[::1]"), and an IPv4-mapped
 * address turns hexadecimal ("[::ffff:127.0.0.1]" → "[::ffff:7f00:1]").
 */

const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.lan', '.home.arpa', '.intranet'];

/** [first address, prefix length] of the IPv4 ranges the internet cannot route to. */
const LOCAL_IPV4: Array<[number, number]> = [
	[ipv4(0, 0, 0, 0), 8], // "this network", 0.0.0.0
	[ipv4(10, 0, 0, 0), 8],
	[ipv4(100, 64, 0, 0), 10], // carrier-grade NAT, also Tailscale
	[ipv4(127, 0, 0, 0), 8],
	[ipv4(169, 254, 0, 0), 16],
	[ipv4(172, 16, 0, 0), 12],
	[ipv4(192, 168, 0, 0), 16],
];

function ipv4(a: number, b: number, c: number, d: number): number {
	return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

function localIpv4(address: number): boolean {
	return LOCAL_IPV4.some(([start, bits]) => address >>> (32 - bits) === start >>> (32 - bits));
}

/** The eight 16-bit groups of a compressed IPv6 address as the URL parser prints it, or undefined. */
function ipv6Groups(text: string): number[] | undefined {
	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
	const head = part(halves[0]);
	const tail = halves.length === 2 ? part(halves[1]) : [];
	const fill = 8 - head.length - tail.length;
	if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
	const groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
	return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function localIpv6(groups: number[]): boolean {
	const [first] = groups;
	if (groups.slice(0, 7).every((g) => g === 0)) return groups[7] <= 1; // :: and ::1
	if ((first & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
	if ((first & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
	if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
		return localIpv4(((groups[6] << 16) >>> 0) + groups[7]); // ::ffff:a.b.c.d
	}
	return false;
}

/** A host name as `URL#hostname` gives it: true when it can only be reached from inside a network. */
export function isLocalHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	if (host.startsWith('[') && host.endsWith(']')) {
		const groups = ipv6Groups(host.slice(1, -1));
		return groups !== undefined && localIpv6(groups);
	}
	const quad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (quad) {
		const [a, b, c, d] = quad.slice(1).map(Number);
		return localIpv4(ipv4(a, b, c, d));
	}
	if (host === '' || host === 'localhost' || !host.includes('.')) return true;
	return LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

/**
 * The origin of a URL kie.ai could never call back ("http://localhost:5678"), or undefined when
 * the URL is public or not a URL at all (its own check reports that). Only the origin is returned:
 * a resume URL's query carries n8n's signature token, which must not end up in an error message.
 */
export function unreachableOrigin(url: unknown): string | undefined {
	if (typeof url !== 'string' || url.trim() === '') return undefined;
	let parsed: URL;
	try {
		parsed = new URL(url.trim());
	} catch {
		return undefined;
	}
	if (!/^https?:$/.test(parsed.protocol)) return undefined;
	return isLocalHost(parsed.hostname) ? parsed.origin : undefined;
}

/** The n8n setting that makes the URLs n8n hands out public, in both majors' spelling. */
export const WEBHOOK_URL_FIX =
	'set WEBHOOK_URL (n8n 2.x: N8N_WEBHOOK_URL) to a public URL or a tunnel, for example https://n8n.example.com/, and restart n8n';
