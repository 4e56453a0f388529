/**
 * The engine's web page: one HTML document with its script inline, drawing what /api/overview returns
 * (topology, capacity bars per host, history charts with Chart.js served from node_modules by the
 * engine, and the event timeline). No CDN: the engine's network may be a lab's.
 * When it has drawn, the body gets data-ready="1" and each chart's canvas data-points="N" (what a
 * browser test waits for and reads).
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>virtplane engine</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5em; color: #1d2733; background: #f7f8fa; }
  h1 { font-size: 1.4em; margin: 0 0 .2em; }
  h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
  .muted { color: #6b7785; font-size: .85em; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(430px, 1fr)); gap: 1em; }
  .card { background: #fff; border: 1px solid #dde2e8; border-radius: 6px; padding: .8em 1em; }
  .dc > .cluster { margin-left: 1em; }
  .host { margin: .5em 0 .5em 1em; }
  .host .name { font-weight: 600; }
  .status-up { color: #1f7a3a; } .status-down { color: #b3261e; }
  .bar { background: #e6e9ee; border-radius: 3px; height: 12px; width: 260px; display: inline-block; vertical-align: middle; margin-right: .4em; overflow: hidden; }
  .bar > span { display: block; height: 100%; background: #3a78c9; }
  .bar.high > span { background: #d9822b; }
  .vm { margin-left: 2em; font-size: .9em; }
  table { border-collapse: collapse; width: 100%; font-size: .85em; }
  td, th { text-align: left; padding: .2em .5em; border-bottom: 1px solid #eef0f3; vertical-align: top; }
  canvas { max-height: 220px; }
</style>
</head>
<body>
<h1>virtplane</h1>
<div class="muted" id="generated">loading...</div>
<h2>Topology and capacity</h2>
<div id="topology"></div>
<h2>Storage</h2>
<div id="storage" class="card"></div>
<h2>History (last 24 hours)</h2>
<div id="charts" class="grid"></div>
<h2>Events</h2>
<div class="card"><table id="events"><thead><tr><th>when</th><th>source</th><th>what</th><th>subject</th><th>message</th></tr></thead><tbody></tbody></table></div>
<script src="assets/chart.umd.js"></script>
<script>
(function () {
  var token = new URLSearchParams(location.search).get('token');
  var suffix = token ? '?token=' + encodeURIComponent(token) : '';
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function bar(label, used, total) {
    var line = el('div');
    var share = total > 0 ? Math.min(1, used / total) : 0;
    var outer = el('span', { class: 'bar' + (share > 0.85 ? ' high' : '') });
    var inner = el('span', { style: 'width:' + (share * 100).toFixed(1) + '%' });
    outer.appendChild(inner);
    line.appendChild(outer);
    line.appendChild(document.createTextNode(label));
    return line;
  }
  function mib(value) { return value >= 1024 ? (value / 1024).toFixed(1) + ' GiB' : value + ' MiB'; }
  function draw(data) {
    document.getElementById('generated').textContent = 'as of ' + data.generatedAt + ' (' + data.hostCount + ' hosts, ' + data.vmCount + ' VMs running)';
    var topology = document.getElementById('topology');
    data.datacenters.forEach(function (dc) {
      var dcNode = el('div', { class: 'card dc', 'data-datacenter': dc.name });
      dcNode.appendChild(el('div', { class: 'name' }, 'data center ' + dc.name));
      dc.clusters.forEach(function (cluster) {
        var clusterNode = el('div', { class: 'cluster', 'data-cluster': cluster.name });
        clusterNode.appendChild(el('div', {}, 'cluster ' + cluster.name));
        cluster.hosts.forEach(function (host) {
          var hostNode = el('div', { class: 'host', 'data-host': host.name });
          var title = el('div');
          title.appendChild(el('span', { class: 'name' }, host.name + ' '));
          title.appendChild(el('span', { class: host.status === 'up' ? 'status-up' : 'status-down' }, host.status));
          title.appendChild(el('span', { class: 'muted' }, ' ' + host.address));
          hostNode.appendChild(title);
          if (host.sample) {
            var s = host.sample;
            hostNode.appendChild(bar('CPU ' + (s.cpuPercent === null ? '-' : s.cpuPercent.toFixed(1) + ' %') + ' of ' + s.cpus, s.cpuPercent || 0, 100));
            hostNode.appendChild(bar('memory ' + mib(s.memoryUsedMib) + ' used of ' + mib(s.memoryTotalMib), s.memoryUsedMib, s.memoryTotalMib));
            hostNode.appendChild(bar('vCPUs ' + s.vcpusAllocated + ' on ' + s.cpus + ' CPUs', s.vcpusAllocated || 0, s.cpus || 1));
          } else {
            hostNode.appendChild(el('div', { class: 'muted' }, 'no sample yet'));
          }
          host.vms.forEach(function (vm) {
            hostNode.appendChild(el('div', { class: 'vm', 'data-vm': vm.name }, 'vm ' + vm.name + '  ' + vm.vcpus + ' vCPU, ' + mib(vm.memoryMib) + ', CPU ' + (vm.cpuPercent === null ? '-' : vm.cpuPercent.toFixed(1) + ' %')));
          });
          clusterNode.appendChild(hostNode);
        });
        dcNode.appendChild(clusterNode);
      });
      topology.appendChild(dcNode);
    });
    var storage = document.getElementById('storage');
    if (data.storage.length === 0) storage.appendChild(el('div', { class: 'muted' }, 'no storage domain sampled yet'));
    data.storage.forEach(function (domain) {
      storage.appendChild(bar(domain.name + ' (' + domain.type + '): ' + mib(Math.round(domain.allocationBytes / 1048576)) + ' of ' + mib(Math.round(domain.capacityBytes / 1048576)), domain.allocationBytes, domain.capacityBytes));
    });
    var charts = document.getElementById('charts');
    data.history.forEach(function (series) {
      var card = el('div', { class: 'card' });
      card.appendChild(el('div', { class: 'name' }, series.host));
      var canvas = el('canvas', { 'data-chart-host': series.host });
      card.appendChild(canvas);
      charts.appendChild(card);
      var chart = new Chart(canvas, {
        type: 'line',
        data: {
          labels: series.points.map(function (p) { return p.t.slice(11, 19); }),
          datasets: [
            { label: 'CPU %', data: series.points.map(function (p) { return p.cpuPercent; }), borderColor: '#3a78c9', yAxisID: 'y', pointRadius: 2, spanGaps: true },
            { label: 'memory used MiB', data: series.points.map(function (p) { return p.memoryUsedMib; }), borderColor: '#d9822b', yAxisID: 'memory', pointRadius: 2 },
          ],
        },
        options: { animation: false, responsive: true, scales: { y: { min: 0, max: 100, title: { display: true, text: 'CPU %' } }, memory: { position: 'right', title: { display: true, text: 'MiB' } } } },
      });
      canvas.setAttribute('data-points', String(chart.data.datasets[0].data.filter(function (v) { return v !== null; }).length));
    });
    var body = document.querySelector('#events tbody');
    data.timeline.forEach(function (entry) {
      var row = el('tr', { 'data-event-kind': entry.kind });
      [entry.at.replace('T', ' ').slice(0, 19), entry.source, entry.kind, entry.subject, entry.message].forEach(function (text) { row.appendChild(el('td', {}, text)); });
      body.appendChild(row);
    });
    document.body.setAttribute('data-ready', '1');
  }
  fetch('api/overview' + suffix).then(function (response) {
    if (!response.ok) throw new Error('the engine answered ' + response.status);
    return response.json();
  }).then(draw).catch(function (error) {
    document.getElementById('generated').textContent = 'could not load: ' + error.message;
    document.body.setAttribute('data-ready', 'error');
  });
})();
</script>
</body>
</html>
`;
