// Benchmark peer: no telemetry prompts, no image optimisation, plain `next start`.
module.exports = { poweredByHeader: true };
