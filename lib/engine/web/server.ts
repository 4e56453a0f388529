/**
 * The engine's HTTP side (`virtplane engine --listen ADDR:PORT`): `/metrics` for Prometheus, the web
 * page at `/` with its data at `/api/overview`, and Chart.js served from node_modules (no CDN). Bound
 * to 127.0.0.1 by default; bound anywhere else, every request must carry the token (`Authorization:
 * Bearer TOKEN` or `?token=TOKEN`). The inventory is opened per request and closed again, as the
 * engine's own steps do.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { openInventory, type Inventory } from '../../inventory/index.js';
import { renderMetrics } from './metrics.js';
import { loadOverview, timeline, type Overview } from './overview.js';
import { PAGE_HTML } from './page.js';

export interface WebOptions {
  /** The embedded folder or postgres:// URL. */
  readonly inventory: string;
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** Required when `host` is not a loopback address. */
  readonly token?: string;
  /** How much history the page's charts show. */
  readonly historyHours?: number;
}

export interface WebServer {
  readonly url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

function chartScriptPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('chart.js')), 'chart.umd.js');
}

function tokenOf(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return url.searchParams.get('token') ?? undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function overviewJson(inventory: Inventory, overview: Overview, historyHours: number): Promise<unknown> {
  const since = new Date(overview.at.getTime() - historyHours * 3_600_000);
  const vmsByHost = new Map<string, typeof overview.vmSamples>();
  for (const vm of overview.vmSamples) if (vm.hostId !== null) vmsByHost.set(vm.hostId, [...(vmsByHost.get(vm.hostId) ?? []), vm]);
  const hostJson = (hostId: string) => {
    const host = overview.hosts.find((candidate) => candidate.id === hostId)!;
    const sample = overview.hostSamples.get(host.id);
    return {
      name: host.name,
      address: host.address,
      status: host.maintenance ? 'maintenance' : (overview.health.get(host.id)?.status ?? 'up'),
      sample:
        sample === undefined
          ? null
          : {
              at: sample.collectedAt.toISOString(),
              cpus: sample.cpus,
              cpuPercent: sample.cpuPercent,
              memoryUsedMib: sample.memoryUsedMib,
              memoryTotalMib: sample.memoryTotalMib,
              vcpusAllocated: sample.vcpusAllocated,
              memoryAllocatedMib: sample.memoryAllocatedMib,
              loadAverage: sample.loadAverage,
            },
      vms: (vmsByHost.get(host.id) ?? []).map((vm) => ({
        name: vm.vmName ?? vm.vmId,
        id: vm.vmId,
        vcpus: vm.vcpus,
        memoryMib: vm.memoryUsedMib,
        cpuPercent: vm.cpuPercent,
      })),
    };
  };
  const history = [];
  for (const host of overview.hosts) {
    const samples = await inventory.statistics.hostHistory(host.id, { since, limit: 5000 });
    history.push({
      host: host.name,
      points: [...samples]
        .reverse()
        .map((sample) => ({ t: sample.collectedAt.toISOString(), cpuPercent: sample.cpuPercent, memoryUsedMib: sample.memoryUsedMib })),
    });
  }
  const domainSamples = overview.storageDomains
    .filter((domain) => overview.storageSamples.has(domain.id))
    .map((domain) => ({ name: domain.name, type: domain.type, ...overview.storageSamples.get(domain.id)! }));
  return {
    generatedAt: overview.at.toISOString(),
    hostCount: overview.hosts.length,
    vmCount: overview.vmSamples.length,
    datacenters: overview.datacenters.map((datacenter) => ({
      name: datacenter.name,
      clusters: overview.clusters
        .filter((cluster) => cluster.datacenterId === datacenter.id)
        .map((cluster) => ({ name: cluster.name, hosts: overview.hosts.filter((host) => host.clusterId === cluster.id).map((host) => hostJson(host.id)) })),
    })),
    storage: domainSamples.map((domain) => ({
      name: domain.name,
      type: domain.type,
      capacityBytes: domain.capacityBytes,
      allocationBytes: domain.allocationBytes,
    })),
    history,
    timeline: timeline(await inventory.highAvailability.events({ limit: 100 }), await inventory.audit.list({ limit: 100 }), 100),
  };
}

export async function startWebServer(options: WebOptions): Promise<WebServer> {
  if (!isLoopback(options.host) && (options.token === undefined || options.token.length < 16))
    throw new Error(
      `the engine's web side listens on ${options.host}, beyond this machine: give a token of at least 16 characters (--token or VIRTPLANE_ENGINE_TOKEN)`,
    );
  const chartScript = chartScriptPath();
  const withInventory = async <T>(fn: (inventory: Inventory) => Promise<T>): Promise<T> => {
    const inventory = await openInventory(options.inventory);
    try {
      return await fn(inventory);
    } finally {
      await inventory.close();
    }
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://engine');
    if (options.token !== undefined) {
      const given = tokenOf(request, url);
      if (given === undefined || !sameSecret(given, options.token)) {
        response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' });
        response.end('a token is required: Authorization: Bearer TOKEN, or ?token=TOKEN\n');
        return;
      }
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    switch (url.pathname) {
      case '/metrics': {
        const text = await withInventory(async (inventory) => renderMetrics(await loadOverview(inventory)));
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
        return;
      }
      case '/':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE_HTML);
        return;
      case '/api/overview': {
        const body = await withInventory(async (inventory) => overviewJson(inventory, await loadOverview(inventory), options.historyHours ?? 24));
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
        return;
      }
      case '/assets/chart.umd.js':
        response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' }).end(await readFile(chartScript));
        return;
      default:
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
