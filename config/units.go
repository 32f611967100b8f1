package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// ParseDuration parses Go duration syntax extended with d (24h) and w
// (7d) units, e.g. "180d", "1d12h", "1.5w", "90s". Negative durations
// are rejected: nothing in the config means "before now".
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("invalid duration: empty")
	}
	if s == "0" {
		return 0, nil
	}
	if s[0] == '-' || s[0] == '+' {
		return 0, fmt.Errorf("invalid duration %q: must not have a sign", orig)
	}
	var total time.Duration
	for s != "" {
		// One segment: a number then a unit.
		i := 0
		for i < len(s) && (s[i] == '.' || '0' <= s[i] && s[i] <= '9') {
			i++
		}
		j := i
		for j < len(s) && !(s[j] == '.' || '0' <= s[j] && s[j] <= '9') {
			j++
		}
		num, unit := s[:i], s[i:j]
		s = s[j:]
		if num == "" {
			return 0, fmt.Errorf("invalid duration %q: expected a number before %q", orig, unit)
		}
		if unit == "" {
			return 0, fmt.Errorf("invalid duration %q: missing unit after %s (use s, m, h, d or w)", orig, num)
		}
		var d time.Duration
		switch unit {
		case "d", "w":
			h, err := time.ParseDuration(num + "h")
			if err != nil {
				return 0, fmt.Errorf("invalid duration %q: %w", orig, err)
			}
			mult := time.Duration(24)
			if unit == "w" {
				mult = 24 * 7
			}
			if h > math.MaxInt64/mult {
				return 0, fmt.Errorf("invalid duration %q: too large", orig)
			}
			d = h * mult
		case "ns", "us", "µs", "μs", "ms", "s", "m", "h":
			var err error
			if d, err = time.ParseDuration(num + unit); err != nil {
				return 0, fmt.Errorf("invalid duration %q: %w", orig, err)
			}
		default:
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q (use s, m, h, d or w)", orig, unit)
		}
		if total > math.MaxInt64-d {
			return 0, fmt.Errorf("invalid duration %q: too large", orig)
		}
		total += d
	}
	return total, nil
}

// FormatDuration prints d with the largest of w, d, h, m, s that keeps it
// exact, so that values read back by ParseDuration round-trip.
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%week == 0:
		return strconv.FormatInt(int64(d/week), 10) + "w"
	case d%day == 0:
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	return d.String()
}

var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1000, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1000 * 1000, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1000 * 1000 * 1000, "gib": 1 << 30,
	"t": 1 << 40, "tb": 1000 * 1000 * 1000 * 1000, "tib": 1 << 40,
}

// ParseSize parses a byte count: plain bytes ("1048576") or a number with
// a decimal (kB, MB, GB, TB) or binary (KiB, MiB, GiB, TiB; K, M, G, T)
// unit, case-insensitive, e.g. "15MiB", "512 KiB", "1.5GB".
func ParseSize(s string) (int64, error) {
	orig := s
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] == '.' || '0' <= s[i] && s[i] <= '9') {
		i++
	}
	num, unit := s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	if num == "" {
		return 0, fmt.Errorf("invalid size %q: expected a number", orig)
	}
	mult, ok := sizeUnits[unit]
	if !ok {
		return 0, fmt.Errorf("invalid size %q: unknown unit %q (use B, KiB, MiB, GiB, kB, MB or GB)", orig, strings.TrimSpace(s[i:]))
	}
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		if n > math.MaxInt64/mult {
			return 0, fmt.Errorf("invalid size %q: too large", orig)
		}
		return n * mult, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q: bad number", orig)
	}
	v := f * float64(mult)
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("invalid size %q: too large", orig)
	}
	return int64(math.Round(v)), nil
}
