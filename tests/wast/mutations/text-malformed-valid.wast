;; Mutation: assert_malformed on text that parses into a valid module.
(assert_malformed (module quote "(func (result i32) (i32.const))") "unexpected token")
(assert_malformed (module quote "(func (result i32) (i32.const 0))") "unexpected token")
