import * as net from 'net';

/** n distinct free ports (kept open until all are chosen, so they cannot collide). */
export async function getFreePorts(n: number): Promise<number[]> {
	const servers: net.Server[] = [];
	try {
		for (let i = 0; i < n; i++) {
			const server = net.createServer();
			await new Promise<void>((resolve, reject) => {
				server.on('error', reject);
				server.listen(0, '127.0.0.1', () => resolve());
			});
			servers.push(server);
		}
		return servers.map((s) => (s.address() as net.AddressInfo).port);
	} finally {
		await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
	}
}
