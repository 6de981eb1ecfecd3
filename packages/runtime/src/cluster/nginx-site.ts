/**
 * The nginx site docs/cluster.md shows, and a whole nginx.conf around it with nginx's own files
 * under one directory: used by the tests' balancer (nginx.test-support.ts) and by the cluster
 * benchmark (bench/cluster.mjs, through dist), so both run the configuration operators are told to.
 */
export interface NginxSite {
  /** Where nginx listens, e.g. `127.0.0.1:8080`. */
  readonly listen: string;
  /** The nodes, `host:port` each. */
  readonly upstreams: readonly string[];
}

/**
 * The site docs/cluster.md shows for `/etc/nginx/conf.d/patchbay.conf` (the docs test checks
 * they are the same). Requests are spread by fewest connections; a request already sent to a
 * node is never retried on another (a POST may have been taken), one whose connection was
 * refused, or that got 502/503 before being sent, moves on. A device's long-poll requests go to
 * one node, chosen by the client's address, and so does a push-woken device's one-POST answer (the
 * session it opens is the one it then polls): polls stay where their session lives, and only a
 * device whose address changed is relayed (cluster/devices-poll-relay.ts).
 */
export function nginxSite(site: NginxSite): string {
  const servers = site.upstreams.map((upstream) => `  server ${upstream} max_fails=1 fail_timeout=2s;`).join('\n');
  const proxy = `    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_buffering off;
    proxy_read_timeout 1h;
    proxy_next_upstream error timeout http_502 http_503;`;
  return `map $http_upgrade $connection_upgrade { default upgrade; '' ''; }

upstream patchbay {
  least_conn;
${servers}
  keepalive 64;
}

upstream patchbay_poll {
  hash $remote_addr consistent;
${servers}
  keepalive 64;
}

server {
  listen ${site.listen};
  client_max_body_size 10m;
  location / {
    proxy_pass http://patchbay;
${proxy}
  }
  location /devices/v1/poll {
    proxy_pass http://patchbay_poll;
${proxy}
  }
  location /devices/v1/answer {
    proxy_pass http://patchbay_poll;
${proxy}
  }
}
`;
}

/**
 * A whole nginx.conf around the site, with nginx's own files under `prefix` (tests, benchmarks).
 * Every WebSocket through it holds two of `workerConnections` (the client's and the node's). */
export function nginxConfig(site: NginxSite, prefix: string, workerConnections = 4096): string {
  const indented = nginxSite(site)
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
  return `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log stderr warn;
events { worker_connections ${workerConnections}; }
http {
  access_log off;
  client_body_temp_path ${prefix}/client-body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
${indented}}
`;
}
