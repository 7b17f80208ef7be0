;; Mutation: one lane of a v128 result differs.
(module (func (export "v") (result v128) (v128.const i32x4 1 2 3 4)))
(assert_return (invoke "v") (v128.const i32x4 1 2 3 4))
(assert_return (invoke "v") (v128.const i32x4 1 2 3 5))
