"""PyTorch's own activations, forward and backward, as torch_peer.py times them: the calls a
user of torch makes, and the ops autograd runs for their backward."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from activation_reference import LEAKY_SLOPE, RELU6_CEILING, SELU_ALPHA, SELU_LAMBDA


@dataclass(frozen=True)
class TorchActivation:
    forward: Callable[[torch.Tensor, torch.Tensor | None], torch.Tensor]
    # backward(saved, dy, slope) -> dx, where saved is x, or y for the ops whose autograd saves y.
    backward: Callable[[torch.Tensor, torch.Tensor, torch.Tensor | None], torch.Tensor]
    saves_output: bool = False


aten = torch.ops.aten


def _crelu(x: torch.Tensor) -> torch.Tensor:
    return torch.cat([torch.relu(x), torch.relu(-x)], dim=1)


def _crelu_backward(y: torch.Tensor, dy: torch.Tensor) -> torch.Tensor:
    # What autograd runs for cat(relu(x), relu(-x)) (relu's backward reads its saved output), with
    # its neg and add merged into one subtraction.
    lo, hi = y.chunk(2, dim=1)
    dy_lo, dy_hi = dy.chunk(2, dim=1)
    return aten.threshold_backward(dy_lo, lo, 0) - aten.threshold_backward(dy_hi, hi, 0)


# Backward runs the functional ops that autograd dispatches to, on the tensors autograd saves:
# timing torch.autograd.grad instead would add the engine's per-call graph walk (tens of
# microseconds on a CPU), which swamps the small sizes and is not the activation's cost.
# PReLU's backward op also writes the per-element slope gradient autograd then reduces: PyTorch has
# no input-only PReLU backward. Outputs are allocated by the ops, as a user of these functions gets
# them (the caching allocator makes that free on a GPU; large CPU outputs pay their page faults).
TORCH_ACTIVATIONS: dict[str, TorchActivation] = {
    "relu": TorchActivation(lambda x, _: torch.relu(x),
                            lambda y, dy, _: aten.threshold_backward(dy, y, 0), saves_output=True),
    "leaky_relu": TorchActivation(
        lambda x, _: F.leaky_relu(x, LEAKY_SLOPE),
        lambda x, dy, _: aten.leaky_relu_backward(dy, x, LEAKY_SLOPE, False)),
    "prelu": TorchActivation(F.prelu,
                             lambda x, dy, slope: aten._prelu_kernel_backward(dy, x, slope)[0]),
    "elu": TorchActivation(lambda x, _: F.elu(x),
                           lambda x, dy, _: aten.elu_backward(dy, 1.0, 1.0, 1.0, False, x)),
    # selu(x) = scale * elu(x, alpha): autograd runs elu_backward with selu's constants.
    "selu": TorchActivation(
        lambda x, _: F.selu(x),
        lambda x, dy, _: aten.elu_backward(dy, SELU_ALPHA, SELU_LAMBDA, 1.0, False, x)),
    "crelu": TorchActivation(lambda x, _: _crelu(x), lambda y, dy, _: _crelu_backward(y, dy),
                             saves_output=True),
    "relu6": TorchActivation(lambda x, _: F.relu6(x),
                             lambda x, dy, _: aten.hardtanh_backward(dy, x, 0.0, RELU6_CEILING)),
    "gelu": TorchActivation(lambda x, _: F.gelu(x, approximate="none"),
                            lambda x, dy, _: aten.gelu_backward(dy, x, approximate="none")),
    "gelu_tanh": TorchActivation(lambda x, _: F.gelu(x, approximate="tanh"),
                                 lambda x, dy, _: aten.gelu_backward(dy, x, approximate="tanh")),
    "silu": TorchActivation(lambda x, _: F.silu(x), lambda x, dy, _: aten.silu_backward(dy, x)),
    "sigmoid": TorchActivation(lambda x, _: torch.sigmoid(x),
                               lambda y, dy, _: aten.sigmoid_backward(dy, y), saves_output=True),
    "tanh": TorchActivation(lambda x, _: torch.tanh(x),
                            lambda y, dy, _: aten.tanh_backward(dy, y), saves_output=True),
}
