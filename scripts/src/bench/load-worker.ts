import { runLoad } from './load.ts';

// Runs the load generator in its own process so it shares no event loop with the servers.
const [url = '', connections = '50', seconds = '5'] = process.argv.slice(2);
process.send!(await runLoad(url, { connections: Number(connections), seconds: Number(seconds) }), () =>
  process.exit(0),
);
