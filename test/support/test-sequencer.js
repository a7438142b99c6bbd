'use strict';
// Splits a sharded run (`npm test` runs two shards at once) by how long each test file takes, not by how many
// files each shard gets: a few files (the random requests, the fault tests) take minutes, most take seconds.
// The times are measured ones, committed in test-durations.json; a file not in it counts as the median.
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');
const durations = require('./test-durations.json');

class DurationBalancedSequencer extends Sequencer {
  shard(tests, { shardIndex, shardCount }) {
    const known = Object.values(durations).sort((a, b) => a - b);
    const median = known.length > 0 ? known[Math.floor(known.length / 2)] : 1;
    const weighed = tests
      .map((test) => ({ test, name: path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/') }))
      .map((entry) => ({ ...entry, seconds: durations[entry.name] ?? median }))
      .sort((a, b) => b.seconds - a.seconds || (a.name < b.name ? -1 : 1));
    // Longest first, each into the shard with the least so far: every shard ends near the same time.
    const shards = Array.from({ length: shardCount }, () => ({ seconds: 0, tests: [] }));
    for (const entry of weighed) {
      const lightest = shards.reduce((best, shard) => (shard.seconds < best.seconds ? shard : best));
      lightest.seconds += entry.seconds;
      lightest.tests.push(entry.test);
    }
    return shards[shardIndex - 1].tests;
  }
}

module.exports = DurationBalancedSequencer;
