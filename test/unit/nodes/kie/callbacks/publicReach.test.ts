/**
 * Which callback URLs kie.ai can never reach, decided from the URL alone. Every address form goes
 * through the same WHATWG URL parser the node uses, so "127.1" and "2130706433" are the same host.
 */
import { isLocalHost, unreachableOrigin } from '../../../../../nodes/kie/callbacks/publicReach';

const host = (url: string) => new URL(url).hostname;

describe('isLocalHost', () => {
	it.each([
		'http://localhost:5678/webhook',
		'http://LOCALHOST./x',
		'http://n8n.localhost/x',
		'http://127.0.0.1:5678/x',
		'http://127.1/x',
		'http://2130706433/x',
		'http://0x7f000001/x',
		'http://127.255.255.254/x',
		'http://0.0.0.0:5678/x',
		'http://10.1.2.3/x',
		'http://172.16.0.1/x',
		'http://172.31.255.255/x',
		'http://192.168.1.20:5678/x',
		'http://169.254.169.254/x',
		'http://100.64.0.1/x',
		'http://[::1]:5678/x',
		'http://[::]/x',
		'http://[fe80::1]/x',
		'http://[febf::1]/x',
		'http://[fc00::1]/x',
		'http://[fd12:3456::1]/x',
		'http://[::ffff:127.0.0.1]/x',
		'http://[::ffff:192.168.0.10]/x',
		'http://n8n:5678/x',
		'http://my-laptop.local/x',
		'http://host.docker.internal:5678/x',
		'http://router.lan/x',
		'http://nas.home.arpa/x',
	])('%s is local', (url) => {
		expect(isLocalHost(host(url))).toBe(true);
	});

	it.each([
		'https://api.kie.ai',
		'https://n8n.example.com/webhook/x',
		'https://abc123.ngrok-free.app/webhook/x',
		'http://1.2.3.4/x',
		'http://172.15.255.255/x',
		'http://172.32.0.1/x',
		'http://100.128.0.1/x',
		'http://11.0.0.1/x',
		'http://[2001:db8::1]/x',
		'http://[fec0::1]/x',
		'http://[::ffff:8.8.8.8]/x',
		'http://localhost.example.com/x',
	])('%s is public', (url) => {
		expect(isLocalHost(host(url))).toBe(false);
	});
});

describe('unreachableOrigin', () => {
	it('gives the origin only: a resume URL carries a signature token that must not be shown', () => {
		expect(
			unreachableOrigin('http://localhost:5678/webhook-waiting/123?signature=secret-token'),
		).toBe('http://localhost:5678');
	});

	it('is undefined for public URLs, non-URLs, other schemes and empty values', () => {
		for (const value of [
			'https://n8n.example.com/webhook-waiting/1',
			'not a url',
			'ftp://localhost/x',
			'',
			undefined,
			42,
		])
			expect(unreachableOrigin(value)).toBeUndefined();
	});
});
