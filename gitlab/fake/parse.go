package fake

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseFault reads a fault written as METHOD:PATHSUFFIX:KIND[:STATUS_OR_SECONDS[:TIMES]],
// for example "POST:/access_tokens:commit-then-status:502:1" or
// "POST:/access_tokens:ratelimit:2:1". It lets end-to-end tests inject faults
// into cmd/fake-gitlab.
func ParseFault(s string) (Fault, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 3 || len(parts) > 5 {
		return Fault{}, fmt.Errorf("fault %q: want METHOD:PATHSUFFIX:KIND[:N[:TIMES]] (N: status, Retry-After seconds, delay seconds or MiB)", s)
	}
	f := Fault{Method: strings.ToUpper(parts[0]), PathSuffix: parts[1], Kind: FaultKind(parts[2])}
	switch f.Kind {
	case FaultStatus, FaultCommitThenStatus, FaultRateLimit, FaultReset, FaultCommitThenReset, FaultCommitThenHang,
		FaultTimeoutThenCommit, FaultHugeBody, FaultGzipBomb, FaultEchoCredential:
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
	return f, nil
}
