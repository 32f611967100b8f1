// Package storage keeps storyline's state in one SQLite file (modernc.org/sqlite,
// pure Go): one writer connection with immediate transactions, a pool of
// readers, WAL, and embedded migrations tracked by PRAGMA user_version.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open storyline database.
type DB struct {
	w    *sql.DB // the single writer
	r    *sql.DB // readers
	path string
	wmu  sync.Mutex // one Update at a time, hooks included

	mu     sync.Mutex
	stmts  map[string]*sql.Stmt // prepared once on the writer connection
	wanted map[string]bool      // to prepare after the current transaction
}

// Tx is one write transaction. Methods of the pipeline's stores hang off it so
// that everything one poll changes commits or rolls back together.
type Tx struct {
	tx *sql.Tx
	db *DB

	beforeCommit []func(context.Context) error
	afterEnd     []func(committed bool)
	outcomes     []outcomeRow // follow-up outcome keys not yet written
}

// BeforeCommit registers fn to run when the transaction's function has
// returned nil, before the commit: what fn writes commits with the rest,
// and an error from it rolls everything back. Callers that keep state in
// memory use it to write what they gathered over the transaction at once.
func (tx *Tx) BeforeCommit(fn func(context.Context) error) {
	tx.beforeCommit = append(tx.beforeCommit, fn)
}

// AfterEnd registers fn to run once the transaction has ended, committed
// or rolled back: memory that mirrors the database follows the outcome.
func (tx *Tx) AfterEnd(fn func(committed bool)) {
	tx.afterEnd = append(tx.afterEnd, fn)
}

// The driver does not cache statements, and parsing SQL costs more than
// running these small ones, so the writer's statements are prepared once.
// The single writer connection is busy inside a transaction, so a statement
// not yet prepared runs unprepared there and is prepared after the commit.
func (tx *Tx) stmt(q string) *sql.Stmt {
	tx.db.mu.Lock()
	defer tx.db.mu.Unlock()
	s, ok := tx.db.stmts[q]
	if !ok && tx.db.stmts != nil {
		tx.db.wanted[q] = true
	}
	return s
}

// prepareWanted prepares the statements transactions asked for. It holds
// no lock while preparing: that waits for the writer connection, which a
// transaction that needs the lock may hold.
func (db *DB) prepareWanted(ctx context.Context) {
	db.mu.Lock()
	var qs []string
	for q := range db.wanted {
		qs = append(qs, q)
		delete(db.wanted, q)
	}
	db.mu.Unlock()
	for _, q := range qs {
		s, err := db.w.PrepareContext(ctx, q)
		if err != nil {
			continue // it runs unprepared, and is asked for again
		}
		db.mu.Lock()
		if db.stmts == nil || db.stmts[q] != nil { // closed, or prepared meanwhile
			s.Close()
		} else {
			db.stmts[q] = s
		}
		db.mu.Unlock()
	}
}

// exec and queryRow run a statement in the transaction, prepared if it can be.
func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s := tx.stmt(q); s != nil {
		return tx.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, q, args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s := tx.stmt(q); s != nil {
		return tx.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// flushFTS indexes the stories queued by the triggers, in one statement.
func (tx *Tx) flushFTS(ctx context.Context) error {
	if _, err := tx.exec(ctx, `INSERT INTO stories_fts(rowid, title, summary, content)
		SELECT s.id, s.title, s.summary, s.content FROM fts_queue q JOIN stories s ON s.id = q.id`); err != nil {
		return fmt.Errorf("storage: full-text index: %w", err)
	}
	_, err := tx.exec(ctx, `DELETE FROM fts_queue`)
	return err
}

// Open opens (creating it 0600 if needed) and migrates the database at path.
func Open(ctx context.Context, file string) (*DB, error) {
	if file == "" {
		return nil, errors.New("storage: empty database path")
	}
	// The folder too, private, when it is missing (a first run).
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, fmt.Errorf("storage: create the database's folder: %w", err)
	}
	// Create the file ourselves so that its mode is 0600 whatever the umask;
	// SQLite gives the -wal and -shm files the database file's mode.
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	f.Close()

	// A 4 MB page cache a connection: the lookups that run per story are
	// in memory (packages dedupe, followup) and the operating system
	// caches the file; 16 MB a connection cost a fifth of the daemon's
	// memory and no speed (bench, BenchmarkProcess at 1M stories).
	dsn := "file:" + (&url.URL{Path: file}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)&_pragma=cache_size(-4000)&_pragma=temp_store(2)&_txlock=immediate"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", file, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("storage: open %s: %w", file, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	db := &DB{w: w, r: r, path: file, stmts: make(map[string]*sql.Stmt), wanted: make(map[string]bool)}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: %s: %w", file, err)
	}
	return db, nil
}

// Close closes both pools. In WAL mode the last close checkpoints the log.
func (db *DB) Close() error {
	db.mu.Lock()
	for _, s := range db.stmts {
		s.Close()
	}
	db.stmts = nil
	db.mu.Unlock()
	return errors.Join(db.r.Close(), db.w.Close())
}

// Update runs fn in one immediate write transaction: committed when fn returns
// nil, rolled back otherwise. Stories written in it are full-text indexed
// before the commit. A transaction that finds the database locked by
// another process past the busy timeout (a large ingest) is rolled back and
// run again, a few times, rather than dropped.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	wait := busyBackoff
	for attempt := 0; ; attempt++ {
		err := db.update(ctx, fn)
		if err == nil || !IsBusy(err) || attempt == busyRetries {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait *= 2
	}
}

// busyRetries and busyBackoff pace Update's retries of a locked database,
// on top of the busy timeout each attempt waits.
var (
	busyRetries = 4
	busyBackoff = 500 * time.Millisecond
)

// IsBusy reports whether err is SQLite's "database is locked" (by another
// connection or process).
func IsBusy(err error) bool {
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return false
	}
	c := coded.Code() & 0xff
	return c == sqliteBusy || c == sqliteLocked
}

const (
	sqliteBusy   = 5
	sqliteLocked = 6
)

func (db *DB) update(ctx context.Context, fn func(*Tx) error) error {
	// Held until the AfterEnd hooks have run: the memory they keep in step
	// with the database must not see the next transaction begin first.
	db.wmu.Lock()
	defer db.wmu.Unlock()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	t := &Tx{tx: tx, db: db}
	committed := false
	defer func() {
		for _, f := range t.afterEnd {
			f(committed)
		}
	}()
	if err := t.finish(ctx, fn); err != nil {
		tx.Rollback()
		db.prepareWanted(ctx) // its statements are good for the next try
		return db.explain(err)
	}
	if err := tx.Commit(); err != nil {
		return db.explain(fmt.Errorf("storage: commit: %w", err))
	}
	committed = true
	db.prepareWanted(ctx)
	return nil
}

// finish runs fn and then what has to be written before the commit.
func (t *Tx) finish(ctx context.Context, fn func(*Tx) error) error {
	if err := fn(t); err != nil {
		return err
	}
	for _, f := range t.beforeCommit {
		if err := f(ctx); err != nil {
			return err
		}
	}
	if err := t.flushOutcomes(ctx); err != nil {
		return err
	}
	return t.flushFTS(ctx)
}

// sqliteFull is SQLITE_FULL: the disk (or max_page_count) is full.
const sqliteFull = 13

// IsFull reports whether err comes from a full disk.
func IsFull(err error) bool {
	var coded interface{ Code() int }
	return errors.As(err, &coded) && coded.Code()&0xff == sqliteFull
}

// explain adds what to do to errors a user can act on. The transaction was
// rolled back, so nothing is half-written.
func (db *DB) explain(err error) error {
	if IsFull(err) {
		return fmt.Errorf("%w (database %s: free disk space; nothing was written, and writes resume by themselves)", err, db.path)
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// IntegrityCheck runs PRAGMA integrity_check and returns its first problem.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := db.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("storage: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("storage: integrity check: %s", res)
	}
	return nil
}

// QuickCheck runs PRAGMA quick_check (integrity_check without the index
// cross-checks: seconds on a large file, not minutes) and returns its first
// problem.
func (db *DB) QuickCheck(ctx context.Context) error {
	var res string
	if err := db.r.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return fmt.Errorf("storage: quick check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("storage: quick check: %s", res)
	}
	return nil
}

type migration struct {
	version int
	name    string
}

func (db *DB) migrate(ctx context.Context) error {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return fmt.Errorf("migration %q: name must start with a positive number and _", e.Name())
		}
		ms = append(ms, migration{v, e.Name()})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	var current int
	if err := db.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if n := len(ms); n > 0 && current > ms[n-1].version {
		return fmt.Errorf("schema version %d is newer than this storyline knows (%d)", current, ms[n-1].version)
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		body, err := migrations.ReadFile(path.Join("migrations", m.name))
		if err != nil {
			return err
		}
		err = db.migration(ctx, string(body), m.version)
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// migration applies one migration and records its version, atomically.
// The transaction is immediate: it holds the write lock before it reads
// the version, so a command started alongside (which may have applied it
// meanwhile) is not applied twice.
func (db *DB) migration(ctx context.Context, body string, version int) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current >= version {
		return nil // applied by another process meanwhile
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version)); err != nil {
		return err
	}
	return tx.Commit()
}

// Times are stored as Unix seconds; 0 stands for "never".
func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}
