package feedparse

import (
	"strings"

	"golang.org/x/net/html"
)

// blocks are elements that end a line of text.
var blocks = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "tr": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true,
	"section": true, "article": true, "header": true, "footer": true, "table": true, "pre": true,
	"figure": true, "figcaption": true, "hr": true, "dd": true, "dt": true,
}

// HTMLToText reduces feed HTML (or plain text with entities) to clean text:
// tags dropped, scripts and styles removed, entities decoded, blocks ending
// in newlines, runs of spaces folded.
func HTMLToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return tidy(s)
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tidy(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch tag := string(name); {
			case tag == "script" || tag == "style" || tag == "noscript" || tag == "iframe":
				if z.Token().Type == html.StartTagToken {
					skip++
				}
			case blocks[tag]:
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch tag := string(name); {
			case tag == "script" || tag == "style" || tag == "noscript" || tag == "iframe":
				if skip > 0 {
					skip--
				}
			case blocks[tag]:
				b.WriteByte('\n')
			}
		}
	}
}

// tidy folds spaces within lines and drops blank lines.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	lines := strings.Split(s, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}
