;; Mutation: another host reference than the one passed in.
(module (func (export "id") (param externref) (result externref) (local.get 0)))
(assert_return (invoke "id" (ref.extern 1)) (ref.extern 1))
(assert_return (invoke "id" (ref.extern 1)) (ref.extern 2))
