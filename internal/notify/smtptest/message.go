package smtptest

import (
	"bytes"
	"fmt"
	"io"

	// Registers the charsets beyond UTF-8 and ASCII (GB 18030, ISO 8859,
	// ...) so bodies in them decode to UTF-8.
	_ "github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"
)

// Message is one message the server accepted: its envelope, its bytes as
// received, and its MIME content decoded.
type Message struct {
	// From is the envelope sender (MAIL FROM) and To the envelope
	// recipients (RCPT TO), as the client sent them.
	From string
	To   []string
	// Raw is the message as received after DATA, headers and body.
	Raw []byte
	// TLS reports whether the session was encrypted; Helo is the name the
	// client gave in EHLO; Auth reports whether the client authenticated.
	TLS  bool
	Helo string
	Auth bool

	// Header is the message's top-level header; read Date, Message-ID and
	// address lists with its methods, other fields with Get.
	Header gomail.Header
	// Subject is the decoded Subject (RFC 2047 words turned into UTF-8).
	Subject string
	// Text and HTML are the decoded bodies of the first inline text/plain
	// and text/html parts: transfer encoding undone, charset converted to
	// UTF-8, and the CRLF line breaks SMTP carries turned into "\n".
	Text string
	HTML string
	// Parts lists every leaf part, inline and attachments, in order.
	Parts []Part
	// ParseErr is why Raw could not be read as MIME, or nil. The fields
	// above are then filled as far as parsing went.
	ParseErr error
}

// Part is one leaf part of a message, decoded.
type Part struct {
	// ContentType is the media type ("text/plain") and Params its
	// parameters (charset, ...).
	ContentType string
	Params      map[string]string
	// Attachment is true for attachments, whose Filename is then set.
	Attachment bool
	Filename   string
	// Body is the decoded content: transfer encoding undone and, for text,
	// converted to UTF-8. Line breaks are left as received.
	Body []byte
}

// Parse reads raw as a MIME message, as the server does with each message
// it accepts. The envelope fields of the result are empty.
func Parse(raw []byte) (*Message, error) {
	m := &Message{Raw: raw}
	err := m.parse()
	m.ParseErr = err
	return m, err
}

func (m *Message) parse() error {
	r, err := gomail.CreateReader(bytes.NewReader(m.Raw))
	if r == nil {
		return fmt.Errorf("reading header: %w", err)
	}
	defer r.Close()
	m.Header = r.Header
	if err != nil {
		// go-message returns a reader and an error for an unknown
		// charset or transfer encoding: the header is still usable.
		return err
	}
	if m.Subject, err = r.Header.Subject(); err != nil {
		return fmt.Errorf("decoding Subject: %w", err)
	}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading part %d: %w", len(m.Parts)+1, err)
		}
		var part Part
		switch h := p.Header.(type) {
		case *gomail.InlineHeader:
			part.ContentType, part.Params, err = h.ContentType()
		case *gomail.AttachmentHeader:
			part.Attachment = true
			part.ContentType, part.Params, err = h.ContentType()
			if err == nil {
				part.Filename, err = h.Filename()
			}
		}
		if err != nil {
			return fmt.Errorf("reading part %d's header: %w", len(m.Parts)+1, err)
		}
		if part.Body, err = io.ReadAll(p.Body); err != nil {
			return fmt.Errorf("decoding part %d: %w", len(m.Parts)+1, err)
		}
		m.Parts = append(m.Parts, part)
		if part.Attachment {
			continue
		}
		switch {
		case part.ContentType == "text/plain" && m.Text == "":
			m.Text = lf(part.Body)
		case part.ContentType == "text/html" && m.HTML == "":
			m.HTML = lf(part.Body)
		}
	}
}

// lf turns CRLF line breaks into LF.
func lf(b []byte) string {
	return string(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")))
}
