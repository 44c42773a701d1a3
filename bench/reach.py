"""Stop a Paddle project's training at the first validation that reaches a score (time_to_accuracy.py adds it with
+callbacks.reach._target_=reach.ReachAccuracy; Lightning has this built in: EarlyStopping(stopping_threshold))."""

import paddle


class ReachAccuracy(paddle.callbacks.Callback):
    def __init__(self, threshold: float = 0.95) -> None:
        super().__init__()
        self.threshold = threshold

    def on_eval_end(self, logs=None) -> None:
        if (logs or {}).get("acc", 0) >= self.threshold:
            self.model.stop_training = True
