package config

import "sync"

// Coordinator hands the running config to a daemon's loops. Each loop
// subscribes and receives every config a reload pushes; none reads a
// shared field that a reload writes.
type Coordinator struct {
	mu   sync.Mutex
	cur  *Config
	subs []chan *Config
}

// NewCoordinator starts with cfg as the running config.
func NewCoordinator(cfg *Config) *Coordinator { return &Coordinator{cur: cfg} }

// Current returns the running config.
func (c *Coordinator) Current() *Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur
}

// Subscribe returns the running config and a channel that receives each
// config pushed after it. A subscriber that falls behind gets the latest
// only: a loop wants the config in force, not the history.
func (c *Coordinator) Subscribe() (*Config, <-chan *Config) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan *Config, 1)
	c.subs = append(c.subs, ch)
	return c.cur, ch
}

// Push makes cfg the running config and hands it to every subscriber.
func (c *Coordinator) Push(cfg *Config) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur = cfg
	for _, ch := range c.subs {
		select { // drop the one not yet taken: cfg supersedes it
		case <-ch:
		default:
		}
		ch <- cfg
	}
}
