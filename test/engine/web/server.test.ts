/**
 * The engine's HTTP side without a lab: beyond loopback it refuses to start without a token; with a
 * token every request must carry it (header or query); the page and Chart.js (from node_modules) are
 * served; an unknown path is a 404. /metrics and the page's data are tested on the lab
 * (test/engine/monitoring.lab.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../../lib/engine/web/server.js';

const servers: WebServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

describe('engine web server', () => {
  it('needs a token beyond loopback', async () => {
    await expect(startWebServer({ inventory: '/nonexistent', host: '0.0.0.0', port: 0 })).rejects.toThrow(/give a token of at least 16 characters/);
  });

  it('asks every request for the token when it has one, and serves the page and Chart.js', async () => {
    const token = 'a-token-of-enough-length';
    const server = await startWebServer({ inventory: '/nonexistent', host: '127.0.0.1', port: 0, token });
    servers.push(server);
    expect((await fetch(server.url)).status).toBe(401);
    expect((await fetch(`${server.url}?token=wrong-token-of-enough-len`)).status).toBe(401);
    const page = await fetch(`${server.url}?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="assets/chart.umd.js"></script>');
    const chart = await fetch(`${server.url}assets/chart.umd.js`, { headers: { authorization: `Bearer ${token}` } });
    expect(chart.status).toBe(200);
    expect(await chart.text()).toContain('Chart.js v4');
    expect((await fetch(`${server.url}nothing`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });
});
