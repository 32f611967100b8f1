package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/storyline/storyline/config"
)

// feedsAdd adds a feed to the main config's feeds list (comments kept):
// storyline feeds add NAME URL [--schedule S].
func feedsAdd(a *app, args []string) error {
	fs := flag.NewFlagSet("feeds add", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	schedule := fs.String("schedule", "", "cron schedule (default: fetch.default_interval, jittered)")
	name, url, args, err := twoWords(args, "usage: storyline feeds add NAME URL [--schedule S]")
	if err != nil {
		return err
	}
	if err := parseOnlyFlags(fs, args); err != nil {
		return err
	}
	for _, f := range a.cfg.Feeds {
		if f.Name == name {
			return usageError{fmt.Errorf("a feed named %q is already configured (%s)", name, f.URL)}
		}
	}
	entry := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	for _, kv := range [][2]string{{"name", name}, {"url", url}, {"schedule", *schedule}} {
		if kv[1] != "" {
			entry.Content = append(entry.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: kv[0]}, &yaml.Node{Kind: yaml.ScalarNode, Value: kv[1]})
		}
	}
	err = editConfigFile(a, a.cfgPath, func(root *yaml.Node) (bool, error) {
		feeds := mappingValue(root, "feeds")
		if feeds == nil {
			feeds = &yaml.Node{Kind: yaml.SequenceNode}
			root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "feeds"}, feeds)
		}
		if feeds.Kind != yaml.SequenceNode {
			return false, errors.New("feeds is not a list")
		}
		feeds.Content = append(feeds.Content, entry)
		return true, nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "added feed %s (%s) to %s; the daemon picks it up on reload (systemctl reload storyline)\n", name, url, a.cfgPath)
	return nil
}

// feedsRemove removes a feed from whichever config file lists it (the main
// one or an included feeds file): storyline feeds remove NAME. Its stored
// stories stay.
func feedsRemove(a *app, args []string) error {
	if len(args) != 1 {
		return usageError{errors.New("usage: storyline feeds remove NAME")}
	}
	name := args[0]
	files := []string{a.cfgPath}
	for _, pattern := range a.cfg.Include {
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(filepath.Dir(a.cfgPath), pattern)
		}
		matches, _ := filepath.Glob(pattern)
		files = append(files, matches...)
	}
	for _, file := range files {
		found := false
		err := editConfigFile(a, file, func(root *yaml.Node) (bool, error) {
			feeds := mappingValue(root, "feeds")
			if feeds == nil || feeds.Kind != yaml.SequenceNode {
				return false, nil
			}
			for i, n := range feeds.Content {
				if v := mappingValue(n, "name"); v != nil && v.Value == name {
					feeds.Content = append(feeds.Content[:i], feeds.Content[i+1:]...)
					found = true
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return err
		}
		if found {
			fmt.Fprintf(a.stdout, "removed feed %s from %s; its stored stories stay (prune ages them out)\n", name, file)
			return nil
		}
	}
	return usageError{fmt.Errorf("no feed named %q in %s or its included files", name, a.cfgPath)}
}

// editConfigFile changes one YAML file of the config through edit (which
// reports whether it changed anything), keeping its comments, and puts it
// back as it was when the whole config then fails to load.
func editConfigFile(a *app, file string, edit func(root *yaml.Node) (bool, error)) error {
	if a.cfgPath == "" {
		return usageError{errNoConfig}
	}
	old, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(old, &doc); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return fmt.Errorf("%s: not a YAML mapping", file)
	}
	changed, err := edit(doc.Content[0])
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if !changed {
		return nil
	}
	out, err := encodeYAML(&doc)
	if err != nil {
		return err
	}
	if err := writeFileKeepMode(file, out); err != nil {
		return err
	}
	if _, err := config.Load(a.cfgPath, a.getenv); err != nil {
		writeFileKeepMode(file, old)
		return fmt.Errorf("the changed config does not load, nothing changed: %w", err)
	}
	return nil
}

// twoWords takes a subcommand's two leading words, leaving its flags.
func twoWords(args []string, usage string) (string, string, []string, error) {
	if len(args) < 2 || args[0] == "" || args[1] == "" || args[0][0] == '-' || args[1][0] == '-' {
		return "", "", nil, usageError{errors.New(usage)}
	}
	return args[0], args[1], args[2:], nil
}
