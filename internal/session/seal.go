package session

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
)

var errSealed = errors.New("sealed successor does not open")

// successorKey is derived from the raw refresh token, which the server never stores (only its
// SHA-256 under another label): whoever can open the successor could already present the token.
func successorKey(raw string) []byte {
	k := sha256.Sum256([]byte("staffcrm refresh successor v1\x00" + raw))
	return k[:]
}

// sealSuccessor encrypts p (AES-256-GCM) under a key only the presenter of raw can derive.
func sealSuccessor(raw string, p *pending) ([]byte, error) {
	plain, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("seal successor: %w", err)
	}
	aead, err := successorAEAD(raw)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal successor: %w", err)
	}
	return aead.Seal(nonce, nonce, plain, nil), nil
}

func openSuccessor(raw string, sealed []byte) (*pending, error) {
	aead, err := successorAEAD(raw)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errSealed
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
	if err != nil {
		return nil, errSealed
	}
	var p pending
	if err := json.Unmarshal(plain, &p); err != nil {
		return nil, fmt.Errorf("%w: %v", errSealed, err)
	}
	return &p, nil
}

func successorAEAD(raw string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(successorKey(raw))
	if err != nil {
		return nil, fmt.Errorf("successor cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("successor cipher: %w", err)
	}
	return aead, nil
}
