package notify

import (
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"

	gomail "github.com/emersion/go-message/mail"
)

// parseRecipient checks an email recipient. Its errors never quote the
// address: net/mail's do.
func parseRecipient(to string) (*mail.Address, error) {
	if strings.TrimSpace(to) == "" {
		return nil, fmt.Errorf("%w: no recipient", ErrInvalidMessage)
	}
	a, err := mail.ParseAddress(to)
	if err != nil {
		return nil, fmt.Errorf("%w: recipient is not one email address", ErrInvalidMessage)
	}
	return a, nil
}

// newMessageID returns a unique Message-ID (without angle brackets) in the
// sender's domain.
func newMessageID(from string) string {
	domain := "trustee.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i+1 < len(from) {
		domain = from[i+1:]
	}
	return uuid.NewString() + "@" + domain
}

// writeEmail writes m as a MIME message: a single UTF-8 text part, or
// multipart/alternative when it has both Text and HTML. Non-ASCII subjects
// and names are encoded as RFC 2047 words and bodies as quoted-printable, so
// Chinese passes through servers without SMTPUTF8 or 8BITMIME.
func writeEmail(w io.Writer, from, to *mail.Address, m Message, id string, now time.Time) error {
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("%w: line break in subject", ErrInvalidMessage)
	}
	if m.Text == "" && m.HTML == "" {
		return fmt.Errorf("%w: no body", ErrInvalidMessage)
	}
	if !validLang(m.Lang) {
		return fmt.Errorf("%w: language %q is not a BCP 47 tag", ErrInvalidMessage, m.Lang)
	}

	var h gomail.Header
	h.SetDate(now)
	h.SetAddressList("From", []*gomail.Address{from})
	h.SetAddressList("To", []*gomail.Address{to})
	h.SetSubject(m.Subject)
	h.SetMessageID(id)
	// RFC 3834: a notification, not a person writing; no auto-replies.
	h.Set("Auto-Submitted", "auto-generated")
	if m.Lang != "" {
		h.Set("Content-Language", m.Lang)
	}

	part := func(contentType string) gomail.InlineHeader {
		var ih gomail.InlineHeader
		ih.SetContentType(contentType, map[string]string{"charset": "utf-8"})
		return ih
	}
	if m.Text == "" || m.HTML == "" {
		ct, body := "text/plain", m.Text
		if m.Text == "" {
			ct, body = "text/html", m.HTML
		}
		// go-message picks quoted-printable for text/* parts.
		h.SetContentType(ct, map[string]string{"charset": "utf-8"})
		bw, err := gomail.CreateSingleInlineWriter(w, h)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(bw, body); err != nil {
			return err
		}
		return bw.Close()
	}

	iw, err := gomail.CreateInlineWriter(w, h)
	if err != nil {
		return err
	}
	for _, p := range []struct{ ct, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		pw, err := iw.CreatePart(part(p.ct))
		if err != nil {
			return err
		}
		if _, err := io.WriteString(pw, p.body); err != nil {
			return err
		}
		if err := pw.Close(); err != nil {
			return err
		}
	}
	return iw.Close()
}

// validLang accepts the shape of a BCP 47 tag (letters, digits, hyphens), or
// the empty string.
func validLang(s string) bool {
	if len(s) > 35 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' && i > 0) {
			return false
		}
	}
	return true
}
