;; Mutation: assert_malformed on a well-formed module that does not validate.
;; The binary: a type () -> i32 and a function of it whose body is empty (`end` only).
(assert_invalid
  (module binary "\00asm" "\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00" "\0a\04\01\02\00\0b")
  "type mismatch")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00" "\0a\04\01\02\00\0b")
  "type mismatch")
