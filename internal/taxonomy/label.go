package taxonomy

import "strings"

// Label is a short text in English and Chinese.
type Label struct {
	EN string `json:"en"`
	ZH string `json:"zh"`
}

// In returns the label in lang: "zh" (or a Chinese tag such as "zh-CN",
// "zh-Hans") gives the Chinese text, anything else the English. It falls back
// to the English text when the Chinese one is empty.
func (l Label) In(lang string) string {
	if isChinese(lang) && l.ZH != "" {
		return l.ZH
	}
	return l.EN
}

// isChinese reports whether the language tag lang names Chinese.
func isChinese(lang string) bool {
	lang = strings.ToLower(strings.TrimSpace(lang))
	return lang == "zh" || strings.HasPrefix(lang, "zh-") || strings.HasPrefix(lang, "zh_")
}

// complete reports whether both texts are present.
func (l Label) complete() bool {
	return strings.TrimSpace(l.EN) != "" && strings.TrimSpace(l.ZH) != ""
}
