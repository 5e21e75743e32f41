# The playground widget in marimo: `marimo edit examples/marimo_playground.py` (or `marimo run`).
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    import deltaprop as dp
    from deltaprop.data import make_dataset

    X, y = make_dataset("moons", 200, noise=0.1, seed=0)
    net = dp.Network([2, 4, 2], activations=["tanh", "softmax"], loss="cross-entropy", seed=0)
    widget = mo.ui.anywidget(dp.playground(net, X, y, learning_rate=0.3, batch_size=10))
    widget
    return


if __name__ == "__main__":
    app.run()
