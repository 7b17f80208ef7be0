;; Mutation: assert_invalid on text that does not parse: malformed, not invalid.
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_invalid (module quote "(func (result i32) (i32.const))") "type mismatch")
