package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/storyline/storyline/config"
)

func cmdOPML(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return usageError{errors.New("usage: storyline opml import [--into FILE] OPML | storyline opml export")}
	}
	switch args[0] {
	case "import":
		return opmlImport(ctx, a, args[1:])
	case "export":
		return opmlExport(a, args[1:])
	}
	return usageError{fmt.Errorf("opml: unknown subcommand %q (import or export)", args[0])}
}

type opmlDoc struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    struct {
		Title string `xml:"title"`
	} `xml:"head"`
	Body struct {
		Outlines []opmlOutline `xml:"outline"`
	} `xml:"body"`
}

type opmlOutline struct {
	Text     string        `xml:"text,attr"`
	Title    string        `xml:"title,attr,omitempty"`
	Type     string        `xml:"type,attr,omitempty"`
	XMLURL   string        `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string        `xml:"htmlUrl,attr,omitempty"`
	Outlines []opmlOutline `xml:"outline"`
}

func (o opmlOutline) feeds(out []opmlOutline) []opmlOutline {
	if o.XMLURL != "" {
		out = append(out, o)
	}
	for _, c := range o.Outlines {
		out = c.feeds(out)
	}
	return out
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// includedFeeds is the schema of a feeds file the config includes.
type includedFeeds struct {
	Feeds []config.Feed `yaml:"feeds"`
}

// opmlImport writes the OPML's new feeds into a feeds file that the config
// includes, adding the include to the config if needed (yaml.v3 keeps the
// config's comments). The result must load cleanly, or nothing is changed.
func opmlImport(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("opml import", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	into := fs.String("into", "feeds-opml.yaml", "feeds file to write, relative to the config's directory")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("usage: storyline opml import [--into FILE] OPML")}
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	var doc opmlDoc
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: not OPML: %w", fs.Arg(0), err)
	}
	var outlines []opmlOutline
	for _, o := range doc.Body.Outlines {
		outlines = o.feeds(outlines)
	}

	cfgDir := filepath.Dir(a.cfgPath)
	feedsPath := *into
	if !filepath.IsAbs(feedsPath) {
		feedsPath = filepath.Join(cfgDir, feedsPath)
	}
	var existing includedFeeds
	oldFeeds, err := os.ReadFile(feedsPath)
	if err == nil {
		if err := yaml.Unmarshal(oldFeeds, &existing); err != nil {
			return fmt.Errorf("%s: %w", feedsPath, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	names, urls := map[string]bool{}, map[string]bool{}
	for _, f := range a.cfg.Feeds {
		names[f.Name], urls[f.URL] = true, true
	}
	next := map[string]int{} // the next number to try after a base name, so that many alike titles stay linear
	var added, skipped int
	for i, o := range outlines {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err() // nothing written yet
		}
		if urls[o.XMLURL] {
			skipped++
			continue
		}
		base := slug(o.Title)
		if base == "" {
			base = slug(o.Text)
		}
		if base == "" {
			base = "feed"
		}
		name := base
		for n := max(next[base], 2); names[name]; n++ {
			name = fmt.Sprintf("%s-%d", base, n)
			next[base] = n + 1
		}
		names[name], urls[o.XMLURL] = true, true
		existing.Feeds = append(existing.Feeds, config.Feed{Name: name, URL: o.XMLURL})
		added++
	}
	if added == 0 {
		fmt.Fprintf(a.stdout, "nothing to import: %d feeds already configured\n", skipped)
		return nil
	}
	// The YAML encoder quotes what needs quoting (a URL with "?", "#", ",",
	// quotes or spaces); block style keeps one field a line.
	type entry struct {
		Name string `yaml:"name"`
		URL  string `yaml:"url"`
	}
	file := struct {
		Feeds []entry `yaml:"feeds"`
	}{}
	for _, f := range existing.Feeds {
		file.Feeds = append(file.Feeds, entry{f.Name, f.URL})
	}
	var out bytes.Buffer
	out.WriteString("# Feeds imported by `storyline opml import`; the main config includes this file.\n")
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(file); err != nil {
		return fmt.Errorf("%s: %w", feedsPath, err)
	}
	enc.Close()
	oldCfg, err := os.ReadFile(a.cfgPath)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	newCfg, err := withInclude(oldCfg, relTo(cfgDir, feedsPath))
	if err != nil {
		return fmt.Errorf("%s: %w", a.cfgPath, err)
	}
	if err := writeFileKeepMode(feedsPath, out.Bytes()); err != nil {
		return err
	}
	if newCfg != nil {
		if err := writeFileKeepMode(a.cfgPath, newCfg); err != nil {
			return err
		}
	}
	if _, err := config.Load(a.cfgPath, a.getenv); err != nil {
		// Put everything back as it was.
		writeFileKeepMode(a.cfgPath, oldCfg)
		if oldFeeds != nil {
			writeFileKeepMode(feedsPath, oldFeeds)
		} else {
			os.Remove(feedsPath)
		}
		return fmt.Errorf("the imported config does not load, nothing changed: %w", err)
	}
	fmt.Fprintf(a.stdout, "imported %d feeds into %s (%d already configured)\n", added, feedsPath, skipped)
	return nil
}

func relTo(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// withInclude returns the config with pattern added to include, or nil when
// it is already there.
func withInclude(cfg []byte, pattern string) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(cfg, &root); err != nil {
		return nil, err
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("config is not a YAML mapping")
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "include" {
			continue
		}
		seq := m.Content[i+1]
		if seq.Kind != yaml.SequenceNode {
			return nil, errors.New("include is not a list")
		}
		for _, n := range seq.Content {
			if n.Value == pattern {
				return nil, nil
			}
		}
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: pattern})
		return encodeYAML(&root)
	}
	m.Content = append(m.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Value: "include", HeadComment: "Feed files merged into feeds (written by storyline opml import)."},
		&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: pattern}}})
	return encodeYAML(&root)
}

func encodeYAML(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// writeFileKeepMode replaces a file atomically, keeping its mode (0600 for a
// new file: configs may hold secrets).
func writeFileKeepMode(path string, data []byte) error {
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".storyline-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func opmlExport(a *app, args []string) error {
	if len(args) > 0 {
		return usageError{errors.New("usage: storyline opml export")}
	}
	doc := opmlDoc{Version: "2.0"}
	doc.Head.Title = "storyline feeds"
	for _, f := range a.cfg.Feeds {
		doc.Body.Outlines = append(doc.Body.Outlines, opmlOutline{Text: f.Name, Title: f.Name, Type: "rss", XMLURL: f.URL})
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s%s\n", xml.Header, out)
	return nil
}
