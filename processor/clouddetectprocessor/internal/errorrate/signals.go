package errorrate

import (
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// statusClass reads an HTTP status code from a value: 1 for 5xx, 0 for another valid
// code, -1 when absent or unreadable. Strings are parsed without allocating.
func statusClass(v pcommon.Value) int {
	var code int64
	switch v.Type() {
	case pcommon.ValueTypeInt:
		code = v.Int()
	case pcommon.ValueTypeDouble:
		code = int64(v.Double())
	case pcommon.ValueTypeStr:
		s := v.Str()
		if len(s) != 3 {
			// "5xx"/"5XX" as some proxies log it
			return -1
		}
		if (s[1] == 'x' || s[1] == 'X') && (s[2] == 'x' || s[2] == 'X') && s[0] >= '1' && s[0] <= '5' {
			return b2i(s[0] == '5')
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return -1
		}
		code = int64(n)
	default:
		return -1
	}
	if code < 100 || code > 599 {
		return -1
	}
	return b2i(code >= 500)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// status looks up the first present status attribute.
func (d *Detector) status(attrs pcommon.Map) int {
	for _, k := range d.cfg.StatusAttributes {
		if v, ok := attrs.Get(k); ok {
			return statusClass(v)
		}
	}
	return -1
}

// service finds the service name: resource, then item, then the fallbacks.
func (d *Detector) service(res, attrs pcommon.Map) string {
	if v, ok := res.Get(d.cfg.ServiceAttribute); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
		return v.Str()
	}
	if v, ok := attrs.Get(d.cfg.ServiceAttribute); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
		return v.Str()
	}
	for _, k := range d.cfg.ServiceFallbackAttributes {
		if v, ok := attrs.Get(k); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
			return v.Str()
		}
		if v, ok := res.Get(k); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
			return v.Str()
		}
	}
	return ""
}

func (d *Detector) route(attrs pcommon.Map) string {
	if d.cfg.RouteAttribute == "" {
		return ""
	}
	if v, ok := attrs.Get(d.cfg.RouteAttribute); ok && v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return ""
}

// metricRole returns the index of the configured metric that name matches, or -1.
func (d *Detector) metricRole(name string) int {
	for i := range d.cfg.Metrics {
		m := d.cfg.Metrics[i].Name
		if name == m {
			return i
		}
		if len(name) > len(m) && name[len(name)-len(m)-1] == '/' && strings.HasSuffix(name, m) {
			return i
		}
	}
	return -1
}
