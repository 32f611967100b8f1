package topic_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/storyline/storyline/topic"
)

// TestDocExamples compiles every query of docs/topics.md's YAML examples,
// so that the documentation cannot drift from the language.
func TestDocExamples(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "topics.md"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("docs/topics.md absent")
	}
	if err != nil {
		t.Fatal(err)
	}
	queries := regexp.MustCompile(`query: '((?:[^']|'')*)'`).FindAllStringSubmatch(string(b), -1)
	if len(queries) < 5 {
		t.Fatalf("found %d example queries in docs/topics.md", len(queries))
	}
	for _, q := range queries {
		query := strings.ReplaceAll(q[1], "''", "'")
		if _, err := topic.Compile("doc", query, topic.Options{}); err != nil {
			t.Errorf("docs/topics.md: %s", err)
		}
	}
}
