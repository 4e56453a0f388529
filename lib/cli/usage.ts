/** One usage text per command: its `--help`, and what a usage error shows. */
export const COMMAND_USAGE = {
  lab: `usage: virtplane lab up [--hosts N] [--subnet CIDR] [--prefix P]
       virtplane lab status [--prefix P]
       virtplane lab down [--prefix P]
       virtplane lab power HOST on|off|status [--lab-file F]   through the host's BMC (IPMI), as fencing does
       virtplane lab image [--cache-dir DIR]   build (once per recipe) and show the guest image
  --prefix and --subnet default to VIRTPLANE_LAB_PREFIX and VIRTPLANE_LAB_SUBNET, then vp and 10.77.0.0/24`,
  status: `usage: virtplane status [--inventory L] [--offline] [--lab-file F] [--ssh-key F] [--ssh-user U] [--known-hosts F]
  the platform: data centers, clusters, hosts (memory placed / total), VMs where they really run.
  --inventory L   the inventory folder or postgres:// URL (default .virtplane/inventory, relative to here)
  --offline       the inventory only, no host is asked
  --lab-file F    SSH credentials from this lab.json (default: .virtplane/lab.json here or in a folder above)
  --ssh-key F, --ssh-user U, --known-hosts F   credentials of your own (each wins over lab.json's)
  exit 0: all read; 1: the inventory could not be read, or a host did not answer (its line says why); 2: usage`,
  engine: `usage: virtplane engine [--once] [--interval S] [--misses N] [--name NAME] [--inventory L] [--lab-file F] [--ssh-key F] [--ssh-user U] [--known-hosts F] [--power-secrets F]
                        [--listen ADDR:PORT] [--statistics-interval S] [--raw-hours H] [--hourly-days D] [--daily-days D]
  the HA engine: reads every host each interval (one bulk read each); a host that misses N reads in a row is
  fenced through its power_management (power off, confirmed off), then its high_availability VMs start on
  other hosts of the cluster (the scheduler's choice, highest ha_priority first). Never restarts a VM whose
  host could not be fenced. Every step is an event in the inventory (virtplane status shows them).
  --once          one pass, then exit
  --interval S    seconds between passes (default 5)
  --misses N      missed reads before a host is non-responsive (default 3)
  --name NAME     this engine's name in events and its lease (default host:pid:random)
  --power-secrets F  a JSON file (mode 600) { "HOST NAME": "POWER CONTROLLER PASSWORD", ... }: the inventory
                  keeps no password (default: lab.json's controllers)
  --listen A:P    serve the web page (/) and Prometheus metrics (/metrics) there (127.0.0.1 unless given; elsewhere
                  a token is required: VIRTPLANE_ENGINE_TOKEN, or one is made and printed)
  --statistics-interval S  seconds between statistics samples, read in the same bulk read (default 60)
  --raw-hours H, --hourly-days D, --daily-days D  how long raw samples and hourly and daily rollups are kept
                  (default 24 h, 365 days, 365 days)
  Several engines may run on one inventory: the holder of the engine lease acts, the others wait.
  SIGTERM/SIGINT: stops after the pass in progress and gives the lease up.`,
  audit: `usage: virtplane audit [--inventory L] [--user U] [--object ID|NAME] [--type T] [--since TIME] [--limit N] [--format json]
  Every change applied, newest first: when, who (on PostgreSQL the database login that made it), what
  (create, update, delete, adopt ...), the resource type, its name and id.
  --inventory L   the inventory folder or postgres:// URL (default .virtplane/inventory, relative to here)
  --user U        only the changes this user (login) made
  --object X      only the changes of this object (its id or its name)
  --type T        only this resource type (virtplane_vm, virtplane_permission ...)
  --since TIME    only changes at or after TIME (ISO 8601, e.g. 2026-12-06 or 2026-12-06T15:00Z)
  --limit N       at most N entries (default 100)
  --format json   the entries as JSON, one array
  exit 0: listed; 1: the inventory could not be read; 2: usage`,
  report: `usage: virtplane report [--inventory L] [--window-days 7] [--trend-days 7] [--top 5]
  per data center, cluster and host: average and peak use over the window, the top VMs by CPU, and a capacity
  forecast (memory, vCPUs, storage) from a line fitted through the last days' hourly history, with its R²
  ("not enough history" under 12 hourly points over 24 h). The history is what \`virtplane engine\` collects.`,
  inventory: `usage: virtplane inventory rebuild [--state terraform.tfstate] [--inventory .virtplane/inventory|postgres://...]
                                  --ssh-key FILE [--ssh-user root] [--known-hosts FILE]
       virtplane inventory status [--inventory .virtplane/inventory]   whether the folder's inventory server runs (pid, socket, log)
       virtplane inventory stop [--inventory .virtplane/inventory]     end it now (it lets the session in progress finish)
  An embedded inventory folder is served by an inventory server of its own (PGlite behind a UNIX socket in
  the folder), started by the first virtplane process that opens it; it exits after 60 s without a client
  (VIRTPLANE_INVENTORY_IDLE_MS). VIRTPLANE_INVENTORY_SERVER=off opens the folder in each process instead.
  A new folder starts as a copy of an empty, migrated one kept in the package's .virtplane/cache
  (VIRTPLANE_INVENTORY_TEMPLATES=DIR keeps it elsewhere; =off runs initdb and the migrations instead).`,
  doctor: `usage: virtplane doctor
  checks root, KVM (or TCG), Node.js, the Debian packages and Terraform; exit 1 if something is missing`,
  'plan-report': `usage: virtplane plan-report PLAN.json [--log PLAN.log] [--format markdown|json] [--inventory L]
  a pull-request comment from a Terraform plan: changes by resource type, where new VMs land and which
  move (live or cold), each host's memory and vCPUs before and after, N+1 headroom, destructive changes
  and the provider's warnings. The inventory is read, never written.
  PLAN.json       the output of terraform show -json PLANFILE
  --log PLAN.log  the output of terraform plan -json -out=PLANFILE: adds the provider's warnings
  --format json   the same report as data (default markdown)
  --inventory L   the inventory folder or postgres:// URL the provider uses (default .virtplane/inventory)
  exit 0: written; 1: the inventory or a file could not be read; 2: usage
  example: terraform plan -json -out=tfplan > plan.log && terraform show -json tfplan > plan.json && virtplane plan-report plan.json --log plan.log`,
  docs: `usage: virtplane docs [--check]
  writes docs/reference.md, constructs/generated/ and README's reference table from the schemas (--check: only compare)`,
  provider: `usage: virtplane provider install [--project DIR] [--plugins-dir DIR] [--force]
       virtplane provider uninstall [--plugins-dir DIR]
  install: registers virtplane/virtplane VERSION (this package's) in Terraform's implied local mirror
  (~/.terraform.d/plugins), one launcher per version, the same bytes from every checkout: at each start it
  runs the virtplane of Terraform's working directory (a virtplane checkout or node_modules/virtplane found
  upward), so projects and checkouts never run each other's code nor break each other's lock files.
  --project DIR   also points DIR (and its subfolders, cdktf.out too) at this virtplane: for a project
                  outside any checkout (writes DIR/.virtplane/provider-entry)`,
} as const;

export type CommandName = keyof typeof COMMAND_USAGE;

export function isCommandName(word: string | undefined): word is CommandName {
  return word !== undefined && Object.hasOwn(COMMAND_USAGE, word);
}
