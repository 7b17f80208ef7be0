;; Mutation: the module is invalid, but for another reason than the one expected.
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_invalid (module (func (result i32))) "unknown memory")
