package gencache

import "testing"

func TestCache(t *testing.T) {
	c := New[int, string](2)
	c.Put(1, "a")
	c.Put(2, "b")
	c.Put(3, "c") // 1 and 2 move to the older generation
	if v, ok := c.Get(1); !ok || v != "a" {
		t.Fatalf("1: %q %v", v, ok) // and 1 comes back to the newer one
	}
	c.Put(4, "d") // the newer generation (3, 1) is full: 2 goes
	for k, want := range map[int]bool{1: true, 2: false, 3: true, 4: true} {
		if _, ok := c.Get(k); ok != want {
			t.Errorf("key %d kept %v, want %v", k, ok, want)
		}
	}
	c.Put(4, "e") // replacing does not start a generation
	if v, _ := c.Get(4); v != "e" {
		t.Errorf("4 = %q", v)
	}
	c.Reset()
	if _, ok := c.Get(3); ok {
		t.Error("kept after Reset")
	}
}
