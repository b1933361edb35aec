"""The facilitator's matchmaking tool (``mutusim match``, §9, §10 q4): from a survey of real
EES, the core circles most likely to form and last, estimated with the model's own rules and
compiled step. Modules: ``survey`` (columns, reading, checks), ``template`` (blank survey),
``population`` (survey → the model's fields), ``search`` (candidate cores), ``estimate``
(simulation), ``risk`` (main risk in words), ``proposals`` (the pipeline and its table),
``report`` (HTML), ``outputs`` (files written)."""
