package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/trustee-dev/trustee/internal/clock"
)

// Example signs a checkpoint of a log, proves one entry is in it the way an
// auditor would check offline, and verifies the whole log.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "audit-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	signer, err := LoadOrCreateSigner(filepath.Join(dir, "audit.key"), "trustee.example/audit")
	if err != nil {
		panic(err)
	}
	log := newMemLog() // in trustee, the store implements Log
	for _, action := range []string{"tenant.create", "record.create", "subject.shred"} {
		log.append(Entry{Actor: "operator", Action: action, At: testEpoch})
	}
	cp, err := SignCheckpoint(ctx, log, signer, clock.NewFake(testEpoch))
	if err != nil {
		panic(err)
	}

	// An auditor holds the checkpoint, the verifier key and one entry.
	_, size, root, err := ParseCheckpoint(cp.Note, signer.VerifierKey())
	if err != nil {
		panic(err)
	}
	proof, err := InclusionProof(ctx, log, 1, size)
	if err != nil {
		panic(err)
	}
	entry := Entry{Seq: 1, Actor: "operator", Action: "record.create", At: testEpoch}
	fmt.Println("entry 1 included:", VerifyInclusion(entry.LeafHash(), 1, size, proof, root) == nil)

	report, err := Verify(ctx, log, signer.VerifierKey())
	if err != nil {
		panic(err)
	}
	fmt.Println(report)
	// Output:
	// entry 1 included: true
	// audit log verified: 3 entries, 1 signed checkpoint
}
