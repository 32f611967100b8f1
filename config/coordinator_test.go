package config

import (
	"sync"
	"testing"
)

// TestCoordinator: subscribers see the running config, then each push; a
// slow one gets the latest; Push and Current race with nothing (go test
// -race).
func TestCoordinator(t *testing.T) {
	first, second, third := &Config{}, &Config{}, &Config{}
	c := NewCoordinator(first)
	cur, updates := c.Subscribe()
	if cur != first || c.Current() != first {
		t.Fatal("subscriber does not start from the running config")
	}
	c.Push(second)
	c.Push(third)
	if got := <-updates; got != third {
		t.Error("a subscriber that fell behind did not get the latest config")
	}
	select {
	case <-updates:
		t.Error("a superseded config was delivered too")
	default:
	}

	var wg sync.WaitGroup
	_, ch := c.Subscribe()
	wg.Go(func() {
		for range 100 {
			c.Push(&Config{})
		}
	})
	wg.Go(func() {
		for range 100 {
			_ = c.Current()
			select {
			case <-ch:
			default:
			}
		}
	})
	wg.Wait()
}
