;; Mutation: the binary is malformed, but for another reason than the one expected.
(assert_malformed (module binary "\00asm" "\02\00\00\00") "unknown binary version")
(assert_malformed (module binary "\00asm" "\02\00\00\00") "magic header not detected")
