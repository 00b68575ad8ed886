import * as net from 'net';

/** A TCP port that was free a moment ago on 127.0.0.1 (bind to 0, read, close). */
export async function getFreePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

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
