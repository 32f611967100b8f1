package farm

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/storyline/storyline/feedparse"
)

func TestFarm(t *testing.T) {
	f := New(3, 20)
	if err := f.Start(""); err != nil {
		t.Fatal(err)
	}
	defer f.Close(context.Background())
	get := func(url, etag string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", url, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := get(f.URL(1), "")
	parsed, err := feedparse.Parse(body, resp.Header.Get("Content-Type"), f.URL(1))
	if err != nil || len(parsed.Items) != 20 {
		t.Fatalf("parse: %v, %d items", err, len(parsed.Items))
	}
	var size int
	titles := map[string]bool{}
	for _, it := range parsed.Items {
		size += len(it.Summary)
		titles[it.Title] = true
	}
	if avg := size / 20; avg < 450 || avg > 800 {
		t.Errorf("average description %d bytes, want about 600", avg)
	}
	if len(titles) != 20 {
		t.Errorf("%d distinct titles of 20", len(titles))
	}
	if resp, _ := get(f.URL(1), resp.Header.Get("ETag")); resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional request: %d", resp.StatusCode)
	}
	http.Post("http://"+f.Addr()+"/add?k=2", "", nil)
	resp2, body2 := get(f.URL(1), resp.Header.Get("ETag"))
	if resp2.StatusCode != 200 {
		t.Fatalf("after add: %d", resp2.StatusCode)
	}
	p2, _ := feedparse.Parse(body2, "", f.URL(1))
	var fresh int
	for _, it := range p2.Items {
		if !titles[it.Title] {
			fresh++
		}
	}
	if fresh != 2 || !strings.Contains(string(body2), "item 21 of outlet 1") {
		t.Errorf("%d new items after adding 2", fresh)
	}
}
