package jobs

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/riverqueue/river"
)

// ErrPersonalData is the error (under [ArgsError]) of job arguments that
// look as if they held personal data.
var ErrPersonalData = errors.New("job args must hold ids and codes only")

// ArgsError says which field of a job's arguments broke the rule of
// [CheckArgs]. It never carries the value.
type ArgsError struct {
	Kind  string // the job's kind
	Field string // JSON path of the field, as in "delivery.to" or "ids[2]"
	Why   string // what is wrong with it
}

func (e *ArgsError) Error() string {
	return fmt.Sprintf("job %s: args field %q %s: jobs hold ids and codes only; put the id in the args and look the value up in the vault when the job runs",
		e.Kind, e.Field, e.Why)
}

// Unwrap returns [ErrPersonalData].
func (e *ArgsError) Unwrap() error { return ErrPersonalData }

// maxArgString bounds a string in job args: ids and codes are short.
const maxArgString = 200

var (
	// idOrCode is what an id, a code or a UTC time looks like: no spaces
	// (free text), no @ (e-mail addresses), no + (phone numbers, local
	// times), no query strings.
	idOrCode = regexp.MustCompile(`\A[A-Za-z0-9_.:/-]*\z`)
	// bareNumber is how a phone number or a one-time code looks when it
	// is written as a string.
	bareNumber = regexp.MustCompile(`\A[0-9]{4,}\z`)
)

// CheckArgs returns an [*ArgsError] when args, encoded as River stores them
// (JSON), hold a string that is not an id or a code: one with spaces (free
// text), an @ (e-mail address), a + (phone number), other punctuation, a
// bare run of four or more digits (phone number, one-time code), or more
// than 200 characters. Numbers, booleans and UTC times pass. The check
// cannot tell every personal datum from an id (a name written as one
// word passes); the rule itself binds whoever writes a job kind.
func CheckArgs(args river.JobArgs) error {
	raw, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("job %s: encode args: %w", args.Kind(), err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("job %s: decode args: %w", args.Kind(), err)
	}
	if field, why := checkValue("", v); why != "" {
		if field == "" {
			field = "."
		}
		return &ArgsError{Kind: args.Kind(), Field: field, Why: why}
	}
	return nil
}

// checkValue walks a decoded JSON value and returns the first field that
// breaks the rule, and why.
func checkValue(path string, v any) (field, why string) {
	switch v := v.(type) {
	case string:
		switch {
		case len(v) > maxArgString:
			return path, "is longer than " + strconv.Itoa(maxArgString) + " characters"
		case !idOrCode.MatchString(v):
			return path, "has characters an id or a code never has (spaces, @, +, ...)"
		case bareNumber.MatchString(v):
			return path, "is a bare number written as a string, as phone numbers and one-time codes are"
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if len(k) > maxArgString || !idOrCode.MatchString(k) || bareNumber.MatchString(k) {
				if path == "" {
					return ".", "has a key that is not an id or a code"
				}
				return path, "has a key that is not an id or a code"
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			if f, w := checkValue(p, v[k]); w != "" {
				return f, w
			}
		}
	case []any:
		for i, e := range v {
			if f, w := checkValue(path+"["+strconv.Itoa(i)+"]", e); w != "" {
				return f, w
			}
		}
	}
	return "", ""
}
