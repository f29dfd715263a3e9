package fake

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseFault reads a fault written as
//
//	METHOD:PATHSUFFIX:KIND[:N[:TIMES]][;KEY=VALUE...]
//
// for example "POST:/access_tokens:commit-then-status:502:1",
// "POST:/access_tokens:ratelimit:2:1" or
// "GET:/user:redirect:302;location=http://127.0.0.1:9/api/v4/user". N is the
// status, the Retry-After seconds, the delay in seconds or the size in MiB,
// by kind (huge-body and gzip-bomb without N send DefaultFaultSize). The
// keys set what the colon form cannot: location, body, delay (a duration),
// reset-after (seconds), omit-retry-after and declare-length (true or
// false). Everything after the first ';' is options, and ';' separates
// them: a value cannot contain ';' (there is no escape), so a body= or
// location= with one is cut there and the rest read as another option,
// refused unless it happens to be a known KEY=VALUE; write such a value
// with %3B in a URL, or set the Fault's field from Go. It lets people and
// end-to-end tests inject every fault into cmd/fake-gitlab.
func ParseFault(s string) (Fault, error) {
	spec, opts, _ := strings.Cut(s, ";")
	parts := strings.Split(spec, ":")
	if len(parts) < 3 || len(parts) > 5 {
		return Fault{}, fmt.Errorf("fault %q: want METHOD:PATHSUFFIX:KIND[:N[:TIMES]][;KEY=VALUE...] (N: status, Retry-After seconds, delay seconds or MiB)", s)
	}
	f := Fault{Method: strings.ToUpper(parts[0]), PathSuffix: parts[1], Kind: FaultKind(parts[2])}
	switch f.Kind {
	case FaultStatus, FaultCommitThenStatus, FaultRateLimit, FaultReset, FaultCommitThenReset, FaultCommitThenHang,
		FaultTimeoutThenCommit, FaultRedirect, FaultHugeBody, FaultGzipBomb, FaultEchoCredential:
	default:
		return Fault{}, fmt.Errorf("fault %q: unknown kind %q", s, parts[2])
	}
	if len(parts) >= 4 && parts[3] != "" {
		n, err := strconv.Atoi(parts[3])
		if err != nil {
			return Fault{}, fmt.Errorf("fault %q: %q is not a number", s, parts[3])
		}
		switch f.Kind {
		case FaultRateLimit:
			f.RetryAfter = n
		case FaultTimeoutThenCommit:
			f.Delay = time.Duration(n) * time.Second
		case FaultHugeBody, FaultGzipBomb:
			f.Size = int64(n) << 20
		default:
			f.Status = n
		}
	}
	if len(parts) == 5 {
		n, err := strconv.Atoi(parts[4])
		if err != nil {
			return Fault{}, fmt.Errorf("fault %q: times %q is not a number", s, parts[4])
		}
		f.Times = n
	}
	if err := f.setOptions(opts); err != nil {
		return Fault{}, fmt.Errorf("fault %q: %w", s, err)
	}
	if f.Kind == FaultRedirect && f.Location == "" {
		return Fault{}, fmt.Errorf("fault %q: a redirect needs ;location=URL", s)
	}
	return f, nil
}

// setOptions reads ParseFault's KEY=VALUE options, separated by ";".
func (f *Fault) setOptions(opts string) error {
	if opts == "" {
		return nil
	}
	for _, kv := range strings.Split(opts, ";") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("option %q: want KEY=VALUE", kv)
		}
		var err error
		switch k {
		case "location":
			f.Location = v
		case "body":
			f.Body = v
		case "delay":
			f.Delay, err = time.ParseDuration(v)
		case "reset-after":
			f.ResetAfter, err = strconv.Atoi(v)
		case "omit-retry-after":
			f.OmitRetryAfter, err = strconv.ParseBool(v)
		case "declare-length":
			f.DeclareLength, err = strconv.ParseBool(v)
		default:
			return fmt.Errorf("unknown option %q (location, body, delay, reset-after, omit-retry-after, declare-length)", k)
		}
		if err != nil {
			return fmt.Errorf("option %s: %w", k, err)
		}
	}
	return nil
}
