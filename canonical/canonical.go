// Package canonical puts article URLs in the one form storyline uses to
// recognise the same article across feeds.
package canonical

import (
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that identify a campaign or a click,
// never the article.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gclsrc": true, "msclkid": true,
	"yclid": true, "igshid": true, "mc_cid": true, "mc_eid": true, "_hsenc": true,
	"_hsmi": true, "mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true,
	"rb_clickid": true, "s_cid": true, "vero_conv": true, "vero_id": true,
	"wickedid": true, "ncid": true, "cmpid": true, "ocid": true, "sr_share": true,
	"ref_src": true, "ref_url": true, "__twitter_impression": true, "spm": true,
}

func isTracking(key string) bool {
	k := strings.ToLower(key)
	return trackingParams[k] || strings.HasPrefix(k, "utm_") || strings.HasPrefix(k, "pk_") ||
		strings.HasPrefix(k, "hsa_") || strings.HasPrefix(k, "_ga")
}

// URL returns the URL in the form storyline uses to recognise the same
// article across feeds: scheme and host lower-cased, default port, fragment
// and tracking parameters dropped, remaining query parameters sorted (stably,
// so repeated keys keep their order). It is idempotent. A string that is not
// an absolute http(s) URL is returned trimmed but otherwise unchanged.
func URL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return raw
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return raw
	}
	u.Scheme = scheme
	// A trailing dot names the same host (the DNS root); a host made only
	// of dots stays as it is, so that a second pass changes nothing.
	host := strings.ToLower(u.Hostname())
	if trimmed := strings.TrimRight(host, "."); trimmed != "" {
		host = trimmed
	}
	port := u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	u.RawQuery = canonicalQuery(u.RawQuery)
	u.ForceQuery = false
	return u.String()
}

// canonicalQuery works on the raw query so that parameters are kept exactly
// as the publisher encoded them: decoding and re-encoding would change
// URLs that servers treat as different.
func canonicalQuery(raw string) string {
	parts := strings.FieldsFunc(raw, func(r rune) bool { return r == '&' || r == ';' })
	kept := parts[:0]
	for _, p := range parts {
		// Stray spaces (left by a dropped fragment, say) are no part of a
		// parameter; keeping them would make URL(URL(u)) differ.
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		key, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if key == "" || isTracking(key) {
			continue
		}
		kept = append(kept, p)
	}
	sort.SliceStable(kept, func(i, j int) bool {
		ki, _, _ := strings.Cut(kept[i], "=")
		kj, _, _ := strings.Cut(kept[j], "=")
		return ki < kj
	})
	return strings.Join(kept, "&")
}
