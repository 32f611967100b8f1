package config

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// position is where a value came from, with its raw (unexpanded) text
// for messages.
type position struct {
	file      string
	line, col int
	raw       string
	style     yaml.Style // of the scalar, to map a column inside its value
	failed    bool       // decoding reported an error here already
}

// maxNodes bounds the work done on a file, so that aliases pointing at
// large lists ("billion laughs") cannot make loading blow up.
const maxNodes = 1_000_000

// decoder turns yaml.Node trees into Config values, reporting every
// problem instead of stopping at the first, which yaml's KnownFields
// would do. Struct fields are matched by their `yaml` tag; int64 fields
// are byte sizes and time.Duration fields accept d and w units.
type decoder struct {
	file   string
	getenv func(string) string
	errs   *Errors
	// pos maps a key path ("feeds.3.url", "notify.webhooks.ops") to the
	// node it was decoded from, for validation messages.
	pos   map[string]position
	nodes int
}

var durationType = reflect.TypeFor[time.Duration]()

// defaulter is implemented by list and map elements that have defaults
// of their own.
type defaulter interface{ setDefaults() }

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	*d.errs = append(*d.errs, Error{File: d.file, Line: n.Line, Column: n.Column, Message: fmt.Sprintf(format, args...)})
}

// fail reports a value that could not be decoded and marks its path, so
// that validation does not add a second complaint (such as "missing")
// about the value it left unset.
func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.errorf(n, format, args...)
	p := d.pos[path]
	p.failed = true
	d.pos[path] = p
}

func (d *decoder) mark(path string, n *yaml.Node) {
	d.pos[path] = position{file: d.file, line: n.Line, col: n.Column, raw: n.Value, style: n.Style}
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a scalar"
	}
	return "an unexpected node"
}

// decode stores node n into v. Null leaves v's current (default) value.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = resolve(n)
	if d.nodes++; d.nodes > maxNodes {
		if d.nodes == maxNodes+1 {
			d.errorf(n, "document too large or too many aliases")
		}
		return
	}
	d.mark(path, n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	t := v.Type()
	switch {
	case t == durationType:
		if s, ok := d.scalar(n, path); ok {
			dur, err := ParseDuration(s)
			if err != nil {
				d.parseErr(n, path, "duration", s, err)
				return
			}
			v.SetInt(int64(dur))
		}
	case t.Kind() == reflect.String: // including Secret
		if s, ok := d.scalar(n, path); ok {
			v.SetString(s)
		}
	case t.Kind() == reflect.Int:
		if s, ok := d.scalar(n, path); ok {
			i, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				d.fail(n, path, "%s: expected an integer, got %q", path, n.Value)
				return
			}
			v.SetInt(int64(i))
		}
	case t.Kind() == reflect.Int64: // byte sizes
		if s, ok := d.scalar(n, path); ok {
			size, err := ParseSize(s)
			if err != nil {
				d.parseErr(n, path, "size", s, err)
				return
			}
			v.SetInt(size)
		}
	case t.Kind() == reflect.Float64:
		if s, ok := d.scalar(n, path); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				d.fail(n, path, "%s: expected a number, got %q", path, n.Value)
				return
			}
			v.SetFloat(f)
		}
	case t.Kind() == reflect.Bool:
		if s, ok := d.scalar(n, path); ok {
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "true", "yes", "on":
				v.SetBool(true)
			case "false", "no", "off":
				v.SetBool(false)
			default:
				d.fail(n, path, "%s: expected true or false, got %q", path, n.Value)
			}
		}
	case t.Kind() == reflect.Pointer:
		if v.IsNil() {
			v.Set(newElem(t.Elem()).Addr())
		}
		d.decode(n, v.Elem(), path)
	case t.Kind() == reflect.Struct:
		d.decodeStruct(n, v, path)
	case t.Kind() == reflect.Slice:
		d.decodeSlice(n, v, path)
	case t.Kind() == reflect.Map:
		d.decodeMap(n, v, path)
	default:
		panic("config: unsupported field type " + t.String())
	}
}

// parseErr reports a value that failed to parse. The parser's message
// quotes its input, so it is used only when that input is the raw text;
// a value that came from an environment variable (possibly a secret) is
// never echoed.
func (d *decoder) parseErr(n *yaml.Node, path, what, expanded string, err error) {
	if expanded != n.Value {
		d.fail(n, path, "%s: invalid %s %q (after ${...} expansion)", path, what, n.Value)
		return
	}
	d.fail(n, path, "%s: %v", path, err)
}

// scalar returns the expanded text of a scalar node.
func (d *decoder) scalar(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "%s: expected a single value, got %s", path, kindName(n))
		return "", false
	}
	s, _, err := expand(n.Value, d.getenv)
	if err != nil {
		d.fail(n, path, "%s: %v", path, err)
		return "", false
	}
	return s, true
}

// pairs returns a mapping's key/value pairs with YAML merge keys ("<<")
// resolved: merged pairs come first so that explicit keys override them.
func (d *decoder) pairs(n *yaml.Node, depth int) (merged, own [][2]*yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" && depth < 10 {
			val = resolve(val)
			srcs := []*yaml.Node{val}
			if val.Kind == yaml.SequenceNode {
				srcs = val.Content
			}
			for _, src := range srcs {
				src = resolve(src)
				if src.Kind != yaml.MappingNode {
					d.errorf(src, "merge key << needs a mapping or a list of mappings")
					continue
				}
				m, o := d.pairs(src, depth+1)
				merged = append(merged, m...)
				merged = append(merged, o...)
			}
			continue
		}
		own = append(own, [2]*yaml.Node{k, val})
	}
	return merged, own
}

// mappingPairs checks n is a mapping and returns its effective pairs,
// reporting duplicate keys at their second occurrence.
// keyword names the keys in messages ("key", or "name" for maps of
// named entries such as notify.webhooks).
func (d *decoder) mappingPairs(n *yaml.Node, path, keyword string) ([][2]*yaml.Node, bool) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "%s: expected a mapping, got %s", orRoot(path), kindName(n))
		return nil, false
	}
	merged, own := d.pairs(n, 0)
	seen := make(map[string]*yaml.Node, len(own))
	var out [][2]*yaml.Node
	explicit := make(map[string]bool, len(own))
	for _, p := range own {
		k := p[0]
		if first, dup := seen[k.Value]; dup {
			d.errorf(k, "%s: duplicate %s %q (first defined at line %d)", orRoot(path), keyword, k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		explicit[k.Value] = true
		out = append(out, p)
	}
	// Merged keys never clash with explicit ones; the last merge wins.
	var fromMerge [][2]*yaml.Node
	for i := len(merged) - 1; i >= 0; i-- {
		if k := merged[i][0].Value; !explicit[k] {
			explicit[k] = true
			fromMerge = append(fromMerge, merged[i])
		}
	}
	return append(fromMerge, out...), true
}

func orRoot(path string) string {
	if path == "" {
		return "top level"
	}
	return path
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	pairs, ok := d.mappingPairs(n, path, "key")
	if !ok {
		return
	}
	t := v.Type()
	for _, p := range pairs {
		k, val := p[0], p[1]
		idx := fieldIndex(t, k.Value)
		if idx < 0 {
			d.unknownKey(k, t, path)
			continue
		}
		d.decode(val, v.Field(idx), join(path, k.Value))
	}
}

func (d *decoder) unknownKey(k *yaml.Node, t reflect.Type, path string) {
	keys := structKeys(t)
	msg := fmt.Sprintf("unknown key %q in %s", k.Value, orRoot(path))
	if s := closest(k.Value, keys); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else {
		msg += " (known keys: " + strings.Join(keys, ", ") + ")"
	}
	d.errorf(k, "%s", msg)
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "%s: expected a list, got %s", path, kindName(n))
		return
	}
	for _, item := range n.Content {
		e := newElem(v.Type().Elem())
		i := v.Len()
		d.decode(item, e, fmt.Sprintf("%s.%d", path, i))
		v.Set(reflect.Append(v, e))
	}
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	pairs, ok := d.mappingPairs(n, path, "name")
	if !ok {
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for _, p := range pairs {
		k, val := p[0], p[1]
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			d.errorf(k, "%s: names must be non-empty strings", path)
			continue
		}
		e := newElem(v.Type().Elem())
		kp := join(path, k.Value)
		d.decode(val, e, kp)
		d.mark(kp+"#key", k)
		v.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
	}
}

// newElem returns an addressable zero value of t with t's own defaults.
func newElem(t reflect.Type) reflect.Value {
	e := reflect.New(t)
	if df, ok := e.Interface().(defaulter); ok {
		df.setDefaults()
	}
	return e.Elem()
}

func fieldIndex(t reflect.Type, key string) int {
	for i := range t.NumField() {
		if tagName(t.Field(i)) == key {
			return i
		}
	}
	return -1
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

func structKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		if name := tagName(t.Field(i)); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	sort.Strings(keys)
	return keys
}

// Closest returns the word of known within edit distance 2 of word (the
// nearest, the first of equals), or "": "did you mean" for keys and
// commands.
func Closest(word string, known []string) string { return closest(word, known) }

// closest returns the known key within edit distance 2 of key, if any.
func closest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if dist := editDistance(strings.ToLower(key), k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
