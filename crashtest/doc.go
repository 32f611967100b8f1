// Package crashtest holds tests that build the real storyline binary and
// kill it with SIGKILL at random points: during a large ingest and during
// digest delivery. They check that the database stays intact, that no
// stored story is lost or stored twice after a restart, and that each
// digest delivery reaches its receiver at least once and at most twice,
// under one idempotency key. The package has no code besides its tests.
//
//	go test ./crashtest -v
//
// The tests are skipped with -short. Kill points come from a seeded
// math/rand (CRASHTEST_SEED overrides the seed) so that a failure
// reproduces.
package crashtest
