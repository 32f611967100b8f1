package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// ParseSchedule is the one safe way to turn a schedule string into a
// cron.Schedule; the scheduler must use it rather than calling robfig/cron
// directly. It accepts:
//
//   - standard 5-field cron specs: "*/15 * * * *"
//   - descriptors: @yearly @annually @monthly @weekly @daily @midnight @hourly
//   - "@every DURATION" with this package's durations ("@every 1d12h")
//   - any of the above prefixed with "TZ=Zone " or "CRON_TZ=Zone "
//     (without a prefix, times are in the process's local zone)
//
// robfig/cron v3.0.1 panics on some TZ prefixes ("TZ=", "TZ=UTC" with no
// fields, ...), so the prefix is validated here first, and a recover
// guards against any panic left in the parser. Schedules that can never
// fire (such as "0 0 30 2 *") are rejected too.
func ParseSchedule(spec string) (s cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("invalid schedule: %v", r)
		}
	}()
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, errors.New("empty schedule")
	}
	loc := time.Local
	prefix := ""
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		_, rest, _ := strings.Cut(spec, "=")
		zone, fields, _ := strings.Cut(rest, " ")
		// The parser splits on a space only; a tab would end up in the zone.
		if i := strings.IndexAny(zone, "\t\n\r"); i >= 0 {
			zone, fields = zone[:i], zone[i:]+" "+fields
		}
		fields = strings.TrimSpace(fields)
		if zone == "" {
			// time.LoadLocation("") is UTC, which is never what was meant.
			return nil, errors.New("empty time zone after TZ=")
		}
		if loc, err = time.LoadLocation(zone); err != nil {
			return nil, fmt.Errorf("unknown time zone %q", zone)
		}
		if fields == "" {
			return nil, fmt.Errorf("missing schedule after time zone %q", zone)
		}
		prefix, spec = "CRON_TZ="+zone+" ", fields
	}
	if rest, ok := strings.CutPrefix(spec, "@every"); ok {
		// robfig silently turns "@every -5m" or "@every 0s" into every
		// second; use our parser (which knows d and w) and refuse those.
		d, err := ParseDuration(rest)
		if err != nil {
			return nil, err
		}
		if d < time.Second {
			return nil, fmt.Errorf("@every needs an interval of at least 1s")
		}
		return cron.Every(d), nil
	}
	if s, err = cron.ParseStandard(prefix + spec); err != nil {
		return nil, err
	}
	// Next gives up after five years and returns the zero time.
	if s.Next(time.Now().In(loc)).IsZero() {
		return nil, errors.New("schedule never fires")
	}
	return s, nil
}
