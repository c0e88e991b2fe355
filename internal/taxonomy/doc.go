// Package taxonomy is trustee's reference data: the data categories, device
// identifiers, purposes, legal bases, OS permissions, regions, data-subject
// rights, refusal reasons and major-change kinds that declarations, the
// collection gate, rights requests and rendered policies all refer to by ID.
// Every entry carries an English and a Chinese label ([Label]).
//
// # Data
//
// The tables live as JSON files under data/, embedded in the binary and parsed
// and validated once when the package is initialised. They are meant to be
// reviewed by privacy staff as much as by engineers: to add a permission or a
// purpose, edit the JSON and run the tests. A table that fails validation (a
// duplicate ID, a missing Chinese label, a permission pointing at an unknown
// category) stops the program at start-up, and the package tests report it.
//
// # Sensitivity
//
// [Category.Sensitive] marks sensitive personal information as PIPL Art. 28
// defines it; [Category.SensitiveKind] names which of the seven kinds of
// Art. 28 applies (see [SensitiveKinds]). [Category.GDPRSpecial] marks the
// special categories of GDPR Art. 9. [Category.SensitiveGBT] marks what
// GB/T 35273-2020 Annex B lists as sensitive beyond Art. 28's named kinds,
// such as precise location or the address book: advisory, for lint warnings.
//
// # Permissions
//
// Permission IDs are each platform's own names: "android.permission.CAMERA",
// "NSCameraUsageDescription", "ohos.permission.CAMERA". iOS frameworks that
// expose data without a usage key are named "ios.framework.<Name>". Each
// permission belongs to a [PermissionGroup], a capability shared across
// platforms (camera, microphone, precise location, ...), which lets
// [Equivalent] and [LookupPermissionLoose] map a permission named for one OS
// onto another, and resolve the short or informal names privacy policies use
// ("RECORD_AUDIO", "ACCESS_Wi-Fi_STATE", "Microphone permission").
//
// # Regions
//
// Regions are ISO 3166-1 alpha-2 codes plus "EU" (the European Economic
// Area) and "US-CA". Mainland China is "CN"; Hong Kong, Macao and Taiwan are
// separate regions, so a transfer from CN to HK is cross-border under PIPL.
// [CrossBorder] decides whether a transfer leaves a jurisdiction.
//
// # Concurrency and copies
//
// The tables never change after initialisation, so every function is safe
// for concurrent use. Functions return copies: callers may modify what they
// get without affecting anyone else.
package taxonomy
