;; Mutation: a NaN lane pattern where the lane holds a number.
(module (func (export "v") (result v128) (v128.const f32x4 1 2 nan 4)))
(assert_return (invoke "v") (v128.const f32x4 1 2 nan:canonical 4))
(assert_return (invoke "v") (v128.const f32x4 1 nan:canonical nan:canonical 4))
