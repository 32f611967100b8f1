package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads the config file at path, expands ${VAR} references with
// getenv (nil means os.Getenv), applies defaults, reads included feed
// files and validates the result. On failure the error is an Errors
// holding every problem found, each with its file and line.
func Load(path string, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var errs Errors
	cfg := Default()
	cfg.Storage.Path = defaultStoragePath(getenv)
	pos := make(map[string]position)

	root, ok := parseFile(path, &errs)
	if !ok {
		return nil, errs
	}
	if root != nil {
		d := &decoder{file: path, getenv: getenv, errs: &errs, pos: pos}
		d.decode(root, reflect.ValueOf(cfg).Elem(), "")
		if d.nodes > maxNodes {
			return nil, errs.capped(maxProblems, path) // what follows would only be the cut's follow-on errors
		}
	}
	if _, set := pos["storage.path"]; set && cfg.Storage.Path != "" && !filepath.IsAbs(cfg.Storage.Path) {
		// As include: does: a config means the same wherever it is run from.
		cfg.Storage.Path = filepath.Join(filepath.Dir(path), cfg.Storage.Path)
	}
	files := []string{path}
	files = append(files, loadIncludes(cfg, path, getenv, &errs, pos)...)

	cfg.fillDerived()
	v := validator{c: cfg, pos: pos, file: path, errs: &errs}
	v.validate()

	if len(errs) > 0 {
		sortErrors(errs, files)
		return nil, errs.capped(maxProblems, path)
	}
	return cfg, nil
}

// maxProblems is how many problems Load reports: past the first few
// dozen, more lines bury the first real mistake rather than help.
const maxProblems = 50

// capped keeps the first max problems and counts the rest in a last one.
func (es Errors) capped(max int, file string) Errors {
	if len(es) <= max {
		return es
	}
	more := len(es) - max
	return append(es[:max:max], Error{File: file, Message: fmt.Sprintf("... and %d more problems (the first ones first: later ones often follow from them)", more)})
}

// parseFile reads and parses one YAML file. It returns the root node
// (nil for an empty file) and false if the file could not be used.
func parseFile(path string, errs *Errors) (*yaml.Node, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		msg := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg = pe.Err.Error() // the file name is printed already
		}
		*errs = append(*errs, Error{File: path, Message: "cannot read config: " + msg, Err: err})
		return nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, true
		}
		*errs = append(*errs, syntaxError(path, err))
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		*errs = append(*errs, Error{File: path, Line: extra.Line, Column: extra.Column,
			Message: "only one YAML document is allowed (remove the second ---)"})
		return nil, false
	} else if !errors.Is(err, io.EOF) {
		*errs = append(*errs, syntaxError(path, err))
		return nil, false
	}
	if len(doc.Content) == 0 {
		return nil, true
	}
	root := resolve(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, true
	}
	if root.Kind != yaml.MappingNode {
		*errs = append(*errs, Error{File: path, Line: root.Line, Column: root.Column,
			Message: "the top level must be a mapping of sections (storage:, feeds:, ...)"})
		return nil, false
	}
	return root, true
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns a yaml parse error ("yaml: line 3: ...") into an
// Error with the line number split out.
func syntaxError(path string, err error) Error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Error{File: path, Line: line, Message: "YAML syntax error: " + m[2], Err: err}
	}
	return Error{File: path, Message: "YAML syntax error: " + strings.TrimPrefix(msg, "yaml: "), Err: err}
}

// includeFile is the schema of a file named by include: feeds only.
type includeFile struct {
	Feeds []Feed `yaml:"feeds"`
}

// loadIncludes appends the feeds of every file matched by cfg.Include
// and returns the files read, in order.
func loadIncludes(cfg *Config, mainPath string, getenv func(string) string, errs *Errors, pos map[string]position) []string {
	base := filepath.Dir(mainPath)
	seen := map[string]bool{absPath(mainPath): true}
	var files []string
	for i, pattern := range cfg.Include {
		p := fmt.Sprintf("include.%d", i)
		at := pos[p]
		errAt := func(format string, args ...any) {
			*errs = append(*errs, Error{File: at.file, Line: at.line, Column: at.col, Message: fmt.Sprintf(format, args...)})
		}
		full := pattern
		if !filepath.IsAbs(full) {
			full = filepath.Join(base, full)
		}
		matches, err := filepath.Glob(full)
		if err != nil {
			errAt("include: bad glob pattern %q", at.raw)
			continue
		}
		if len(matches) == 0 && !hasGlobMeta(pattern) {
			errAt("include: file %q not found", at.raw)
			continue
		}
		for _, m := range matches {
			abs := absPath(m)
			if seen[abs] {
				continue // the main file, or matched by an earlier pattern
			}
			seen[abs] = true
			files = append(files, m)
			root, ok := parseFile(m, errs)
			if !ok || root == nil {
				continue
			}
			inc := includeFile{Feeds: cfg.Feeds}
			d := &decoder{file: m, getenv: getenv, errs: errs, pos: pos}
			d.decode(root, reflect.ValueOf(&inc).Elem(), "")
			cfg.Feeds = inc.Feeds
		}
	}
	return files
}

func hasGlobMeta(s string) bool { return strings.ContainsAny(s, `*?[\`) }

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// sortErrors orders errors by file (main first, then includes in the
// order read) and position.
func sortErrors(errs Errors, files []string) {
	rank := make(map[string]int, len(files))
	for i, f := range files {
		if _, ok := rank[f]; !ok {
			rank[f] = i
		}
	}
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if rank[a.File] != rank[b.File] {
			return rank[a.File] < rank[b.File]
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
