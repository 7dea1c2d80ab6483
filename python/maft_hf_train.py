#!/usr/bin/env python3
"""maft's `hf` trainer: one finetuning job on a Hugging Face model, LoRA (PEFT) or full-parameter.

Launched by maft per job as `python -m accelerate.commands.launch --config_file <cfg> maft_hf_train.py ...`
(DDP, FSDP or DeepSpeed ZeRO-3 come from the accelerate config; this script is the same for all of them).

Contract with maft (src/trainers/hf/):
  input   --data: maft's TRL prompt-completion JSONL, one row per line:
            {"prompt": [{"role": "user"|"system"|"assistant", "content": str}, ...  ending with a user turn],
             "completion": [{"role": "assistant", "content": str}]}
          The loss is on the completion tokens only (earlier assistant turns in the prompt are context).
  base    --model: an HF model directory (or hub id when online): the base, or the previous iteration's full model.
          --init-adapter: the previous iteration's PEFT adapter to continue training (LoRA only).
  output  --output: a PEFT adapter directory (adapter_config.json + adapter_model.safetensors) for LoRA, a
          model directory (config.json + *.safetensors + tokenizer) for full; written to <output>.partial
          and renamed when complete.
  stdout  one JSON object per line: {"event": "start"|"loss"|"done"|"error", ...}; loss lines carry
          step, epoch, loss, learning_rate. Only the main process prints.
  exit    0 done · 2 bad input (data, arguments) · 3 missing packages · 4 CUDA error · 1 anything else.
Modes that need no torch (used by maft's preflight and tests): --check-packages, --validate-only.
"""
import argparse
import importlib.util
import json
import os
import shutil
import sys

REQUIRED = ["torch", "transformers", "peft", "accelerate"]
CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def emit(event, **fields):
    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps({"event": event, **fields}), flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="maft hf trainer: LoRA or full-parameter SFT on prompt-completion rows")
    parser.add_argument("--data", help="maft TRL prompt-completion JSONL")
    parser.add_argument("--model", help="HF model directory: the base or the previous full model")
    parser.add_argument("--output", help="directory to write (PEFT adapter or model)")
    parser.add_argument("--method", choices=["lora", "full"], default="lora")
    parser.add_argument("--init-adapter", help="PEFT adapter to continue training (LoRA)")
    parser.add_argument("--lora-rank", type=int, default=16)
    parser.add_argument("--lora-alpha", type=float, default=32)
    parser.add_argument("--lora-dropout", type=float, default=0.05)
    parser.add_argument("--lora-targets", default="all-linear", help="comma list (q_proj,v_proj) or all-linear")
    parser.add_argument("--learning-rate", type=float, help="default 1e-5 full (the released code), 2e-4 LoRA")
    parser.add_argument("--epochs", type=float, default=2)
    parser.add_argument("--batch-size", type=int, default=1, help="per device")
    parser.add_argument("--gradient-accumulation", type=int, default=1)
    parser.add_argument("--warmup-ratio", type=float, default=0.03)
    parser.add_argument("--scheduler", default="cosine")
    parser.add_argument("--max-length", type=int, default=2048, help="tokens; longer rows are refused, not cut")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--precision", choices=["bf16", "fp16", "fp32"], default="bf16")
    parser.add_argument("--trl", choices=["auto", "yes", "no"], default="auto", help="use TRL's SFTTrainer")
    parser.add_argument("--validate-only", action="store_true", help="check the data file and exit (no torch)")
    parser.add_argument("--check-packages", action="store_true", help="report missing packages as JSON and exit")
    parser.add_argument("--require", default="", help="extra packages --check-packages must find (e.g. deepspeed)")
    args = parser.parse_args(argv)
    if not args.check_packages and args.data is None:
        parser.error("--data is required")
    if not args.validate_only and not args.check_packages and (args.model is None or args.output is None):
        parser.error("--model and --output are required to train")
    if args.method == "full" and args.init_adapter:
        parser.error("--init-adapter continues a LoRA adapter; for full finetuning pass the previous model as --model")
    if args.learning_rate is None:
        args.learning_rate = 1e-5 if args.method == "full" else 2e-4
    return args


def check_packages(extra):
    wanted = REQUIRED + [name for name in extra.split(",") if name]
    missing = [name for name in wanted if importlib.util.find_spec(name) is None]
    print(json.dumps({"event": "packages", "python": sys.executable, "version": sys.version.split()[0],
                      "missing": missing, "trl": importlib.util.find_spec("trl") is not None}), flush=True)
    return 3 if missing else 0


class DataError(Exception):
    pass


def read_rows(path):
    """The rows, checked line by line: errors name file:line: field."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataError(f"{where}: not JSON ({error.msg})")
            prompt, completion = row.get("prompt"), row.get("completion")
            if not isinstance(prompt, list) or not prompt:
                raise DataError(f"{where}: prompt: expected a non-empty list of messages")
            for index, message in enumerate(prompt):
                if not isinstance(message, dict) or message.get("role") not in ("system", "user", "assistant") \
                        or not isinstance(message.get("content"), str) or not message["content"].strip():
                    raise DataError(f"{where}: prompt.{index}: expected {{role: system|user|assistant, content: non-empty}}")
            if prompt[-1]["role"] != "user":
                raise DataError(f"{where}: prompt: the last message must be the user's")
            if not isinstance(completion, list) or len(completion) != 1 or not isinstance(completion[0], dict) \
                    or completion[0].get("role") != "assistant" or not str(completion[0].get("content", "")).strip():
                raise DataError(f"{where}: completion: expected one assistant message with content")
            rows.append({"prompt": prompt, "completion": completion})
    if not rows:
        raise DataError(f"{path}: no rows")
    return rows


def tokenize_rows(rows, tokenizer, max_length, path):
    """input_ids + labels with the prompt masked (-100): completion-only loss without TRL."""
    examples = []
    for number, row in enumerate(rows, 1):
        # Render text, then tokenize: apply_chat_template(tokenize=True) returns ids or a dict by version.
        prompt_text = tokenizer.apply_chat_template(row["prompt"], add_generation_prompt=True, tokenize=False)
        full_text = tokenizer.apply_chat_template(row["prompt"] + row["completion"], tokenize=False)
        prompt_ids = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
        full_ids = tokenizer(full_text, add_special_tokens=False)["input_ids"]
        if full_ids[:len(prompt_ids)] != prompt_ids:
            raise DataError(f"{path}: row {number}: the chat template does not extend the prompt with the completion")
        if len(full_ids) > max_length:
            raise DataError(f"{path}: row {number}: {len(full_ids)} tokens exceed --max-length {max_length}")
        examples.append({"input_ids": full_ids, "labels": [-100] * len(prompt_ids) + full_ids[len(prompt_ids):]})
    return examples


def train(args, rows):
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainerCallback, TrainingArguments

    transformers.set_seed(args.seed)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    if tokenizer.chat_template is None:
        tokenizer.chat_template = CHATML
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    class StreamLoss(TrainerCallback):
        def on_log(self, training_args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs and state.is_world_process_zero:
                emit("loss", step=state.global_step, epoch=logs.get("epoch", state.epoch), loss=logs["loss"],
                     learning_rate=logs.get("learning_rate"))

    common = dict(output_dir=args.output + ".checkpoints", learning_rate=args.learning_rate, num_train_epochs=args.epochs,
                  per_device_train_batch_size=args.batch_size, gradient_accumulation_steps=args.gradient_accumulation,
                  lr_scheduler_type=args.scheduler, warmup_ratio=args.warmup_ratio, logging_steps=1, save_strategy="no",
                  report_to=[], seed=args.seed, bf16=args.precision == "bf16", fp16=args.precision == "fp16",
                  disable_tqdm=True)
    use_trl = args.trl == "yes" or (args.trl == "auto" and importlib.util.find_spec("trl") and importlib.util.find_spec("datasets"))
    # Tokenize before loading weights: a row too long or a template that breaks fails in seconds, not after loading.
    examples = None if use_trl else tokenize_rows(rows, tokenizer, args.max_length, args.data)
    if use_trl:
        from trl import SFTConfig
        training_args = SFTConfig(**common, completion_only_loss=True, max_length=args.max_length)
    else:
        training_args = TrainingArguments(**common, remove_unused_columns=False)
    # After the arguments: under DeepSpeed ZeRO-3 they set up zero.Init, so the weights load already sharded.
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[args.precision]
    model = AutoModelForCausalLM.from_pretrained(args.model, torch_dtype=dtype)
    if args.method == "lora":
        from peft import LoraConfig, PeftModel, get_peft_model
        if args.init_adapter:
            model = PeftModel.from_pretrained(model, args.init_adapter, is_trainable=True)
        else:
            targets = args.lora_targets if args.lora_targets == "all-linear" else args.lora_targets.split(",")
            model = get_peft_model(model, LoraConfig(r=args.lora_rank, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout,
                                                     target_modules=targets, task_type="CAUSAL_LM", bias="none"))
    emit("start", rows=len(rows), method=args.method, trainer="trl" if use_trl else "transformers", learning_rate=args.learning_rate)
    if use_trl:
        from datasets import Dataset
        from trl import SFTTrainer
        trainer = SFTTrainer(model=model, args=training_args, train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                             callbacks=[StreamLoss()])
    else:
        def collate(batch):
            width = max(len(example["input_ids"]) for example in batch)
            pad = lambda values, fill: values + [fill] * (width - len(values))  # noqa: E731
            return {"input_ids": torch.tensor([pad(e["input_ids"], tokenizer.pad_token_id) for e in batch]),
                    "labels": torch.tensor([pad(e["labels"], -100) for e in batch]),
                    "attention_mask": torch.tensor([pad([1] * len(e["input_ids"]), 0) for e in batch])}

        trainer = Trainer(model=model, args=training_args, train_dataset=examples, data_collator=collate,
                          callbacks=[StreamLoss()])
    trainer.train()
    partial = args.output + ".partial"
    trainer.save_model(partial)  # every rank: FSDP and ZeRO-3 gather the weights here
    if trainer.is_world_process_zero():
        if args.method == "full":
            tokenizer.save_pretrained(partial)
        if os.path.exists(args.output):
            shutil.rmtree(args.output)
        os.replace(partial, args.output)
        shutil.rmtree(args.output + ".checkpoints", ignore_errors=True)
    emit("done", output=args.output, steps=trainer.state.global_step)


def main(argv):
    args = parse_args(argv)
    if args.check_packages:
        return check_packages(args.require)
    try:
        rows = read_rows(args.data)
        if args.validate_only:
            emit("validated", rows=len(rows))
            return 0
        missing = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
        if missing:
            emit("error", kind="packages", message=f"{sys.executable} lacks {', '.join(missing)}")
            return 3
        train(args, rows)
        return 0
    except DataError as error:
        emit("error", kind="data", message=str(error))
        return 2
    except FileNotFoundError as error:
        emit("error", kind="data", message=f"{error.filename}: no such file")
        return 2
    except RuntimeError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if "CUDA" in str(error) or "NCCL" in str(error):
            emit("error", kind="cuda", message=first)
            return 4
        emit("error", kind="runtime", message=first)
        return 1
    except Exception as error:  # noqa: BLE001 - one line for maft, the traceback stays in the log
        import traceback
        traceback.print_exc()
        emit("error", kind=type(error).__name__, message=(str(error).strip().splitlines() or [type(error).__name__])[0])
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
